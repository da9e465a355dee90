import type { JobState } from '../../../src/contracts';

export interface ApiResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface JobStatusBody {
  jobId: string;
  state: JobState;
  result: unknown;
  [field: string]: unknown;
}

const TERMINAL: readonly JobState[] = ['completed', 'failed', 'dead_lettered', 'cancelled'];
const REQUEST_TIMEOUT_MS = 30_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The HTTP API of one host, over real loopback HTTP. */
export class ApiClient {
  constructor(
    readonly name: string,
    readonly baseUrl: string,
  ) {}

  async request(method: string, route: string, body?: unknown): Promise<ApiResponse> {
    const raw = Buffer.isBuffer(body);
    const response = await fetch(`${this.baseUrl}${route}`, {
      method,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      ...(body === undefined
        ? {}
        : {
            body: raw ? body : JSON.stringify(body),
            headers: { 'content-type': raw ? 'application/pdf' : 'application/json' },
          }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  post(route: string, body?: unknown): Promise<ApiResponse> {
    return this.request('POST', route, body ?? {});
  }

  get(route: string): Promise<ApiResponse> {
    return this.request('GET', route);
  }

  async jobStatus(jobId: string): Promise<JobStatusBody> {
    const response = await this.get(`/jobs/${jobId}`);
    if (response.status !== 200) {
      throw new Error(
        `${this.name}: GET /jobs/${jobId} → ${response.status} ${JSON.stringify(response.body)}`,
      );
    }
    return response.body as JobStatusBody;
  }

  /** Polls until the job reaches a terminal state; fails after `timeoutMs`. */
  async waitForJob(jobId: string, timeoutMs = 120_000): Promise<JobStatusBody> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.jobStatus(jobId).catch((error: Error) => error);
      if (!(status instanceof Error) && TERMINAL.includes(status.state)) return status;
      if (Date.now() > deadline) {
        const last = status instanceof Error ? status.message : status.state;
        throw new Error(
          `${this.name}: job ${jobId} not finished after ${timeoutMs / 1000} s (last: ${last})`,
        );
      }
      await sleep(500);
    }
  }
}

/** Runs `task` for 0..count-1 with at most `limit` at once; returns each outcome in order. */
export async function inParallel<T>(
  count: number,
  limit: number,
  task: (i: number) => Promise<T>,
): Promise<PromiseSettledResult<T>[]> {
  const outcomes = new Array<PromiseSettledResult<T>>(count);
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      outcomes[i] = await task(i).then(
        (value) => ({ status: 'fulfilled', value }) as const,
        (reason: unknown) => ({ status: 'rejected', reason }) as const,
      );
    }
  };
  await Promise.all(Array.from({ length: limit }, lane));
  return outcomes;
}

/** Samples GET /readyz every `intervalMs` until stopped; reports the longest run of non-200s. */
export class ReadinessWatch {
  private readonly samples: { at: number; ready: boolean }[] = [];
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(
    private readonly api: ApiClient,
    private readonly intervalMs = 250,
  ) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const at = Date.now();
      const ready = await fetch(`${this.api.baseUrl}/readyz`, { signal: AbortSignal.timeout(5_000) })
        .then((response) => response.status === 200)
        .catch(() => false);
      this.samples.push({ at, ready });
      await sleep(Math.max(0, this.intervalMs - (Date.now() - at)));
    }
  }

  async stop(): Promise<{ samples: number; notReady: number; longestNotReadyMs: number }> {
    this.stopped = true;
    await this.loop;
    // A streak lasts from its first failed sample to the next good one (or the end of the watch).
    let longest = 0;
    let streakStart: number | undefined;
    for (const sample of this.samples) {
      if (!sample.ready) streakStart ??= sample.at;
      else if (streakStart !== undefined) {
        longest = Math.max(longest, sample.at - streakStart);
        streakStart = undefined;
      }
    }
    if (streakStart !== undefined) longest = Math.max(longest, Date.now() - streakStart);
    return {
      samples: this.samples.length,
      notReady: this.samples.filter((sample) => !sample.ready).length,
      longestNotReadyMs: longest,
    };
  }
}
