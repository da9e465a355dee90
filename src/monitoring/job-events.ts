// Live job status for Server-Sent Events. One shared watcher per job id polls Temporal while at
// least one client listens, and stops when the last one leaves or the job ends: a hundred clients
// of one API process watching one job cost one poll per interval.
import type { JobStatus } from '../jobs/job-status';
import type { JobState } from '../contracts';
import { eventStreamsOpen, jobWatchersActive } from './metrics';

export type StatusReader = (jobId: string) => Promise<JobStatus | undefined>;

export interface JobEvent {
  /** Increases monotonically per job; see `eventIdFor`. */
  id: number;
  status: JobEventData;
  final: boolean;
}

export type JobEventData = Pick<
  JobStatus,
  'jobId' | 'runId' | 'type' | 'state' | 'stage' | 'progress' | 'attempts' | 'error' | 'result' | 'finishedAt'
>;

const TERMINAL_STATES: ReadonlySet<JobState> = new Set(['completed', 'failed', 'dead_lettered', 'cancelled']);

export function isTerminal(state: JobState): boolean {
  return TERMINAL_STATES.has(state);
}

const STATE_RANK: Record<JobState, number> = {
  scheduled: 0,
  queued: 1,
  retrying: 2,
  running: 3,
  completed: 4,
  failed: 4,
  dead_lettered: 4,
  cancelled: 4,
};

/**
 * An event id derived from the status alone, so that any watcher (after an API restart too)
 * gives the same status the same id: progress first (never allowed to go back, see
 * `JobWatcher`), then the highest attempt, then scheduled < queued < retrying < running < finished.
 */
export function eventIdFor(status: Pick<JobStatus, 'progress' | 'attempts' | 'state'>): number {
  const progress = Math.max(0, Math.min(100, Math.floor(status.progress)));
  const attempts = Math.max(0, Math.min(99_999, status.attempts));
  return progress * 1_000_000 + attempts * 10 + STATE_RANK[status.state];
}

function eventData(status: JobStatus, progress: number): JobEventData {
  return {
    jobId: status.jobId,
    runId: status.runId,
    type: status.type,
    state: status.state,
    stage: status.stage,
    progress,
    attempts: status.attempts,
    error: status.error,
    result: status.result,
    finishedAt: status.finishedAt,
  };
}

function sameEvent(a: JobEventData, b: JobEventData): boolean {
  return (
    a.state === b.state &&
    a.stage === b.stage &&
    a.progress === b.progress &&
    a.attempts === b.attempts &&
    a.error === b.error &&
    a.runId === b.runId
  );
}

type Listener = (event: JobEvent) => void;

/** Polls one job while anyone listens. */
export class JobWatcher {
  private readonly listeners = new Set<Listener>();
  private latest?: JobEvent;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private firstPoll?: Promise<JobEvent | undefined>;
  /** How many times Temporal was asked; for tests and the curious. */
  polls = 0;

  constructor(
    readonly jobId: string,
    private readonly read: StatusReader,
    private readonly intervalMs: number,
    private readonly onIdle: (watcher: JobWatcher) => void,
  ) {
    jobWatchersActive.inc();
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  get ended(): boolean {
    return this.latest?.final === true;
  }

  get latestEvent(): JobEvent | undefined {
    return this.latest;
  }

  /** The current event; undefined when the job does not exist. Polls at most once for all callers. */
  current(): Promise<JobEvent | undefined> {
    if (this.latest) return Promise.resolve(this.latest);
    this.firstPoll ??= this.poll();
    return this.firstPoll;
  }

  /** Registers a listener; returns the function that removes it. */
  listen(listener: Listener): () => void {
    this.listeners.add(listener);
    this.schedule();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    jobWatchersActive.dec();
    clearTimeout(this.timer);
    this.timer = undefined;
    this.onIdle(this);
  }

  private schedule(): void {
    if (this.stopped || this.timer || this.ended || this.listeners.size === 0) return;
    this.timer = setTimeout(() => {
      void this.poll().finally(() => {
        this.timer = undefined;
        this.schedule();
      });
    }, this.intervalMs);
  }

  private async poll(): Promise<JobEvent | undefined> {
    this.polls += 1;
    let status: JobStatus | undefined;
    try {
      status = await this.read(this.jobId);
    } catch {
      return this.latest; // Temporal unreachable for a moment: try again next interval
    }
    if (!status) return this.latest;
    // The bar never goes back (a retried step restarts its heartbeats); ids rely on that.
    const progress = Math.max(this.latest?.status.progress ?? 0, status.progress);
    const data = eventData(status, progress);
    const final = isTerminal(status.state);
    if (this.latest && sameEvent(this.latest.status, data) && this.latest.final === final) return this.latest;
    const derived = eventIdFor({ ...status, progress });
    const id = this.latest ? Math.max(derived, this.latest.id + 1) : derived;
    const event: JobEvent = { id, status: data, final };
    this.latest = event;
    for (const listener of [...this.listeners]) listener(event);
    if (final) this.stop();
    return event;
  }
}

export interface JobEventHubOptions {
  read: StatusReader;
  /** Between polls of one job; 750 ms by default. */
  intervalMs?: number;
  /** Comment lines sent this often keep proxies from closing a quiet stream; 15 s by default. */
  keepAliveMs?: number;
}

/** Formats one SSE message. */
export function formatEvent(event: JobEvent): string {
  return `id: ${event.id}\nevent: ${event.final ? 'end' : 'status'}\ndata: ${JSON.stringify(event.status)}\n\n`;
}

/** Parses a Last-Event-ID header; anything that is not a whole number is ignored. */
export function parseLastEventId(header: string | undefined): number | undefined {
  if (header === undefined || !/^\d{1,15}$/.test(header.trim())) return undefined;
  return Number(header.trim());
}

export interface JobEventStream {
  /** True when the job had already ended and the client already saw its last event. */
  alreadyFinished: boolean;
  /** SSE text, ending when the job ends, the client leaves, or the hub closes. */
  stream: AsyncIterable<string>;
}

const UNREAD_STREAM_GRACE_MS = 5_000;

export class JobEventHub {
  private readonly watchers = new Map<string, JobWatcher>();
  private readonly closers = new Set<() => void>();
  private closed = false;
  private readonly intervalMs: number;
  private readonly keepAliveMs: number;

  constructor(private readonly options: JobEventHubOptions) {
    this.intervalMs = options.intervalMs ?? 750;
    this.keepAliveMs = options.keepAliveMs ?? 15_000;
  }

  /** Watchers currently alive (one per job somebody listens to). */
  get activeWatchers(): number {
    return this.watchers.size;
  }

  watcherFor(jobId: string): JobWatcher {
    let watcher = this.watchers.get(jobId);
    if (!watcher) {
      watcher = new JobWatcher(jobId, this.options.read, this.intervalMs, (idle) => {
        if (this.watchers.get(idle.jobId) === idle) this.watchers.delete(idle.jobId);
      });
      this.watchers.set(jobId, watcher);
    }
    return watcher;
  }

  /** Undefined when no such job exists. */
  async open(jobId: string, lastEventId?: number): Promise<JobEventStream | undefined> {
    const watcher = this.watcherFor(jobId);
    const first = await watcher.current().catch(() => undefined);
    if (!first) {
      if (watcher.listenerCount === 0) watcher.stop();
      return undefined;
    }
    const seen = lastEventId ?? -1;
    if (first.final && first.id <= seen) {
      if (watcher.listenerCount === 0) watcher.stop();
      return { alreadyFinished: true, stream: (async function* () {})() };
    }
    // A stream that is never read (the client left first) must not leave its watcher behind.
    setTimeout(() => {
      if (watcher.listenerCount === 0) watcher.stop();
    }, UNREAD_STREAM_GRACE_MS).unref();
    return { alreadyFinished: false, stream: this.follow(jobId, first, seen) };
  }

  /** Ends every open stream (the server is shutting down). */
  close(): void {
    this.closed = true;
    for (const close of [...this.closers]) close();
    for (const watcher of [...this.watchers.values()]) watcher.stop();
  }

  private follow(jobId: string, first: JobEvent, seen: number): AsyncIterableIterator<string> {
    // Taken now, not when the stream was opened: the watcher then may have stopped since.
    const watcher = first.final ? undefined : this.watcherFor(jobId);
    let close: (() => void) | undefined;
    const stream = new EventStream({
      watcher,
      first,
      seen,
      retryMs: Math.max(1_000, this.intervalMs),
      keepAliveMs: this.keepAliveMs,
      onEnd: () => {
        if (close) this.closers.delete(close);
      },
    });
    if (!stream.ended) {
      close = () => stream.end();
      this.closers.add(close);
      // A stream set up while the server was closing ends after its first event.
      if (this.closed) stream.end();
    }
    return stream;
  }
}

interface EventStreamOptions {
  watcher: JobWatcher | undefined;
  first: JobEvent;
  seen: number;
  retryMs: number;
  keepAliveMs: number;
  onEnd: () => void;
}

/**
 * One client's stream, as an async iterator whose `return()` (the client went away) takes effect
 * at once: an async generator would only notice at its next `yield`, keeping the watcher polling.
 */
class EventStream implements AsyncIterableIterator<string> {
  private readonly pending: string[] = [];
  private waiting?: (result: IteratorResult<string>) => void;
  private finished = false;
  private lastSent: number;
  private stopListening: () => void = () => undefined;
  private keepAlive?: NodeJS.Timeout;

  constructor(private readonly options: EventStreamOptions) {
    eventStreamsOpen.inc();
    this.lastSent = options.seen;
    this.push(`retry: ${options.retryMs}\n\n`);
    // The watcher may have moved on while this stream was being set up: start from its latest.
    this.consider(options.watcher?.latestEvent ?? options.first);
    if (this.finished) return;
    if (options.watcher) this.stopListening = options.watcher.listen((event) => this.consider(event));
    this.keepAlive = setInterval(() => this.push(': keep-alive\n\n'), options.keepAliveMs);
    this.keepAlive.unref();
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<string> {
    return this;
  }

  get ended(): boolean {
    return this.finished;
  }

  next(): Promise<IteratorResult<string>> {
    const chunk = this.pending.shift();
    if (chunk !== undefined) return Promise.resolve({ value: chunk, done: false });
    if (this.finished) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** The client went away: stop at once, drop what was not sent. */
  return(): Promise<IteratorResult<string>> {
    this.pending.length = 0;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Ends the stream after what is already queued. */
  end(): void {
    if (this.finished) return;
    this.finished = true;
    this.cleanUp();
    if (this.pending.length === 0) this.resolveWaiting({ value: undefined, done: true });
  }

  private consider(event: JobEvent): void {
    if (this.finished || event.id <= this.lastSent) return;
    this.lastSent = event.id;
    this.push(formatEvent(event));
    if (event.final) this.end();
  }

  private push(chunk: string): void {
    if (this.finished) return;
    if (this.waiting) this.resolveWaiting({ value: chunk, done: false });
    else this.pending.push(chunk);
  }

  private resolveWaiting(result: IteratorResult<string>): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.(result);
  }

  private cleaned = false;

  private cleanUp(): void {
    if (this.cleaned) return;
    this.cleaned = true;
    clearInterval(this.keepAlive);
    this.stopListening();
    eventStreamsOpen.dec();
    this.options.onEnd();
  }
}
