import type { JobStatus } from '../../src/jobs/job-status';
import { JobEventHub, eventIdFor, parseLastEventId } from '../../src/monitoring/job-events';

function status(overrides: Partial<JobStatus>): JobStatus {
  return {
    jobId: 'upload-1',
    runId: 'run-1',
    type: 'processUpload',
    state: 'running',
    stage: 'queued',
    progress: 0,
    attempts: 1,
    result: null,
    error: null,
    createdAt: new Date(0).toISOString(),
    startedAt: null,
    finishedAt: null,
    webUiUrl: 'http://ui',
    ...overrides,
  };
}

/** A job whose status moves one step per poll, then stays at its last step. */
function scriptedReader(steps: Array<Partial<JobStatus> | undefined>) {
  const calls: string[] = [];
  let index = 0;
  const read = async (jobId: string) => {
    calls.push(jobId);
    const step = steps[Math.min(index, steps.length - 1)];
    index += 1;
    return step === undefined ? undefined : status(step);
  };
  return { read, calls };
}

interface ParsedEvent {
  id?: number;
  event?: string;
  data?: Record<string, unknown>;
}

function parseSse(text: string): ParsedEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.split('\n').some((line) => line.startsWith('data:')))
    .map((block) => {
      const event: ParsedEvent = {};
      for (const line of block.split('\n')) {
        const [field, ...rest] = line.split(': ');
        const value = rest.join(': ');
        if (field === 'id') event.id = Number(value);
        if (field === 'event') event.event = value;
        if (field === 'data') event.data = JSON.parse(value);
      }
      return event;
    });
}

async function collect(stream: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk;
  return text;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const JOURNEY: Array<Partial<JobStatus>> = [
  { state: 'queued', stage: 'queued', progress: 0, attempts: 0 },
  { state: 'running', stage: 'fetched', progress: 10 },
  { state: 'running', stage: 'fetched', progress: 10 },
  { state: 'retrying', stage: 'analysing', progress: 60, attempts: 2, error: 'disk hiccup' },
  // A retried step restarts its heartbeats: the bar must not go back.
  { state: 'running', stage: 'analysing', progress: 52, attempts: 2 },
  { state: 'running', stage: 'analysing', progress: 80, attempts: 2 },
  { state: 'completed', stage: 'done', progress: 100, attempts: 2, result: { ok: true } },
];

describe('job event stream (shared watcher per job)', () => {
  it('streams every change once, with increasing ids, and ends with the final state', async () => {
    const { read } = scriptedReader(JOURNEY);
    const hub = new JobEventHub({ read, intervalMs: 5 });
    const opened = await hub.open('upload-1');
    expect(opened).toMatchObject({ alreadyFinished: false });
    const events = parseSse(await collect(opened!.stream));

    expect(events.map((event) => [event.data!.state, event.data!.progress])).toEqual([
      ['queued', 0],
      ['running', 10],
      ['retrying', 60],
      ['running', 60],
      ['running', 80],
      ['completed', 100],
    ]);
    const ids = events.map((event) => event.id!);
    for (let index = 1; index < ids.length; index += 1) expect(ids[index]!).toBeGreaterThan(ids[index - 1]!);
    expect(events.at(-1)).toMatchObject({ event: 'end', data: { result: { ok: true } } });
    expect(events.slice(0, -1).every((event) => event.event === 'status')).toBe(true);
    expect(hub.activeWatchers).toBe(0);
  });

  it('shares one watcher among all clients of a job and polls once per interval for all of them', async () => {
    const { read, calls } = scriptedReader([{ state: 'running', stage: 'analysing', progress: 50 }]);
    const hub = new JobEventHub({ read, intervalMs: 10 });
    const streams = await Promise.all([hub.open('upload-1'), hub.open('upload-1'), hub.open('upload-1')]);
    const iterators = streams.map((opened) => opened!.stream[Symbol.asyncIterator]());
    // Each client reads the retry hint and the current status.
    for (const iterator of iterators) {
      expect((await iterator.next()).value).toMatch(/^retry: /);
      expect((await iterator.next()).value).toContain('"progress":50');
    }
    expect(hub.activeWatchers).toBe(1);
    const watcher = hub.watcherFor('upload-1');
    expect(watcher.listenerCount).toBe(3);
    await sleep(100);
    // One reader call per poll of the single watcher: three clients do not triple the polling.
    expect(calls.length).toBe(watcher.polls);

    await Promise.all(iterators.map((iterator) => iterator.return!(undefined)));
    expect(hub.activeWatchers).toBe(0);
    const afterLeaving = calls.length;
    await sleep(100);
    expect(calls.length).toBe(afterLeaving);
  });

  it('sends a reconnecting client only what is newer than its Last-Event-ID', async () => {
    const finished = { state: 'completed', stage: 'done', progress: 100, attempts: 1 } as const;
    const running = { state: 'running', stage: 'analysing', progress: 70, attempts: 1 } as const;
    const { read } = scriptedReader([running, running, finished]);
    const hub = new JobEventHub({ read, intervalMs: 5 });
    const runningId = eventIdFor(running);

    const reconnected = await hub.open('upload-1', runningId);
    const events = parseSse(await collect(reconnected!.stream));
    expect(events.map((event) => event.data!.state)).toEqual(['completed']);
    expect(events[0]!.id).toBe(eventIdFor(finished));

    // After the last event, a reconnect finds nothing to send: the route answers 204.
    const again = await hub.open('upload-1', eventIdFor(finished));
    expect(again).toMatchObject({ alreadyFinished: true });
    expect(await collect(again!.stream)).toBe('');
  });

  it('reports an unknown job as undefined and keeps no watcher for it', async () => {
    const { read } = scriptedReader([undefined]);
    const hub = new JobEventHub({ read, intervalMs: 5 });
    expect(await hub.open('upload-missing')).toBeUndefined();
    expect(hub.activeWatchers).toBe(0);
  });

  it('ends open streams when the hub closes', async () => {
    const { read } = scriptedReader([{ state: 'running', progress: 20 }]);
    const hub = new JobEventHub({ read, intervalMs: 5, keepAliveMs: 60_000 });
    const opened = await hub.open('upload-1');
    const done = collect(opened!.stream);
    await sleep(30);
    hub.close();
    expect(parseSse(await done)).toHaveLength(1);
    expect(hub.activeWatchers).toBe(0);
  });

  it('accepts only whole numbers as Last-Event-ID', () => {
    expect(parseLastEventId('42')).toBe(42);
    expect(parseLastEventId(' 7 ')).toBe(7);
    expect(parseLastEventId('abc')).toBeUndefined();
    expect(parseLastEventId('-1')).toBeUndefined();
    expect(parseLastEventId(undefined)).toBeUndefined();
  });
});
