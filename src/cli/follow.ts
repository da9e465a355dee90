// Following a job until it ends: the SSE stream when the API offers it, polling otherwise. Either
// way a lost API (a restart, a deploy) is waited for with a bounded back-off, and the stream is
// resumed with Last-Event-ID so that only newer states are shown.
import { ApiError, ApiUnreachableError, type ApiClient, type JobStatusBody } from './api-client';
import { EventStreamParser } from './event-stream';

const TERMINAL = new Set(['completed', 'failed', 'dead_lettered', 'cancelled']);
const POLL_MS = 1_000;
const BACKOFF_MS = [250, 500, 1_000, 2_000, 4_000];

export function isFinished(status: Pick<JobStatusBody, 'state'>): boolean {
  return TERMINAL.has(status.state);
}

export interface FollowOptions {
  onStatus: (status: JobStatusBody) => void;
  /** Told when the API went away and when it answers again. */
  onConnection?: (event: 'lost' | 'restored', reason?: string) => void;
  /** How long the API may stay unreachable before following gives up. */
  reconnectForMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The API is there but does not offer the event stream (an older version): poll instead. */
class StreamUnavailable extends Error {}

/** The API answered, then went away mid-stream. */
class StreamDropped extends Error {}

/**
 * Runs `attempt` until it succeeds. While the API is unreachable, waits with a growing delay;
 * once it has been unreachable for `reconnectForMs`, gives up with the last unreachable error.
 */
class Reconnector {
  private lostSince: number | undefined;
  private failures = 0;

  constructor(private readonly options: FollowOptions) {}

  async run<T>(attempt: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        const value = await attempt();
        this.restored();
        return value;
      } catch (error) {
        if (!(error instanceof ApiUnreachableError || error instanceof StreamDropped)) throw error;
        await this.wait(error);
      }
    }
  }

  restored(): void {
    if (this.lostSince !== undefined) this.options.onConnection?.('restored');
    this.lostSince = undefined;
    this.failures = 0;
  }

  private async wait(error: ApiUnreachableError | StreamDropped): Promise<void> {
    const budget = this.options.reconnectForMs;
    if (this.lostSince === undefined) {
      this.lostSince = Date.now();
      this.options.onConnection?.('lost', error.message);
    }
    const left = budget - (Date.now() - this.lostSince);
    if (left <= 0) {
      if (error instanceof ApiUnreachableError) throw error.gaveUpAfter(budget);
      throw new Error(`the event stream kept dropping for ${Math.round(budget / 1000)} s`);
    }
    const delay = BACKOFF_MS[Math.min(this.failures, BACKOFF_MS.length - 1)]!;
    this.failures += 1;
    // The last wait ends when the budget does, for one more try.
    await sleep(Math.min(delay, left));
  }
}

async function openStream(api: ApiClient, jobId: string, lastEventId: string | undefined): Promise<Response> {
  const response = await api.raw(
    `/jobs/${encodeURIComponent(jobId)}/events`,
    { headers: { accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) } },
    0,
  );
  if (response.status === 404) {
    const body = (await response.json().catch(() => ({}))) as {
      error?: string;
      code?: string;
      jobId?: string;
    };
    // A 404 about the job is final; an API without the route (older version) gets polled.
    if (body.jobId) throw new ApiError(404, body.code, body.error ?? 'Job not found');
    throw new StreamUnavailable();
  }
  if (response.status === 204) return response;
  if (response.status >= 500) {
    await response.body?.cancel();
    throw new StreamDropped(`the API answered ${response.status}`);
  }
  if (!response.ok || !response.headers.get('content-type')?.includes('text/event-stream')) {
    await response.body?.cancel();
    throw new StreamUnavailable();
  }
  return response;
}

/** Reads events until the job ends (true) or the server ends the stream (false). */
async function readStatuses(
  response: Response,
  onEvent: (id: string | undefined, status: JobStatusBody) => void,
): Promise<boolean> {
  const parser = new EventStreamParser();
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (error) {
        throw new StreamDropped((error as Error).message);
      }
      if (chunk.done) return false;
      for (const event of parser.push(chunk.value)) {
        const status = JSON.parse(event.data) as JobStatusBody;
        onEvent(event.id, status);
        if (isFinished(status)) return true;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

async function followStream(
  api: ApiClient,
  jobId: string,
  options: FollowOptions,
  reconnector: Reconnector,
): Promise<void> {
  let lastEventId: string | undefined;
  let seenAny = false;
  for (;;) {
    const ended = await reconnector.run(async () => {
      const response = await openStream(api, jobId, lastEventId);
      reconnector.restored();
      // 204: the job ended before we (re)connected; the caller reads its final status.
      if (response.status === 204) return true;
      const finished = await readStatuses(response, (id, status) => {
        lastEventId = id ?? lastEventId;
        seenAny = true;
        options.onStatus(status);
      });
      if (!finished && !seenAny) throw new StreamDropped('the stream ended without an event');
      return finished;
    });
    if (ended) return;
    // The server closed the stream without a final event (e.g. it is shutting down): resume.
    await sleep(POLL_MS);
  }
}

async function followPolling(
  api: ApiClient,
  jobId: string,
  options: FollowOptions,
  reconnector: Reconnector,
): Promise<void> {
  let previous = '';
  for (;;) {
    const status = await reconnector.run(() => api.jobStatus(jobId));
    const key = `${status.state}|${status.stage}|${status.progress}|${status.attempts}`;
    if (key !== previous) options.onStatus(status);
    previous = key;
    if (isFinished(status)) return;
    await sleep(POLL_MS);
  }
}

/**
 * Calls `onStatus` on every change until the job ends; resolves with the full final status. The
 * first request fails at once when the API cannot be reached (a wrong URL should not wait).
 */
export async function followJob(
  api: ApiClient,
  jobId: string,
  options: FollowOptions,
): Promise<JobStatusBody> {
  const first = await api.jobStatus(jobId);
  const reconnector = new Reconnector(options);
  if (isFinished(first)) {
    options.onStatus(first);
    return first;
  }
  try {
    await followStream(api, jobId, options, reconnector);
  } catch (error) {
    if (!(error instanceof StreamUnavailable)) throw error;
    await followPolling(api, jobId, options, reconnector);
  }
  // The stream's last event has the result; the status route adds the Web UI link.
  return reconnector.run(() => api.jobStatus(jobId));
}
