// A fixed number of calls with a fixed number in flight, timed one by one.

export interface LoadResult {
  /** Calls that succeeded. */
  completed: number;
  failed: number;
  /** The first failure's message, to tell the reader what went wrong. */
  firstError?: string;
  elapsedMs: number;
  perSecond: number;
  p99Ms: number;
  timedOut: boolean;
}

export function percentile(values: number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}

interface Tally {
  latencies: number[];
  failed: number;
  firstError?: string;
}

async function timedCall(call: () => Promise<unknown>, tally: Tally): Promise<void> {
  const started = performance.now();
  try {
    await call();
    tally.latencies.push(performance.now() - started);
  } catch (error) {
    tally.failed += 1;
    tally.firstError ??= error instanceof Error ? error.message : String(error);
  }
}

/** Calls `call(index)` for index 0…count-1, `concurrency` at a time; stops taking new ones at `timeoutMs`. */
export async function runLoad(
  count: number,
  concurrency: number,
  timeoutMs: number,
  call: (index: number) => Promise<unknown>,
): Promise<LoadResult> {
  const tally: Tally = { latencies: [], failed: 0 };
  const started = performance.now();
  const deadline = started + timeoutMs;
  let next = 0;
  const lane = async () => {
    while (next < count && performance.now() < deadline) await timedCall(() => call(next++), tally);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  const elapsedMs = performance.now() - started;
  return {
    completed: tally.latencies.length,
    failed: tally.failed,
    ...(tally.firstError === undefined ? {} : { firstError: tally.firstError }),
    elapsedMs,
    perSecond: tally.latencies.length / (elapsedMs / 1000),
    p99Ms: percentile(tally.latencies, 0.99),
    timedOut: next < count,
  };
}

/** `runLoad` after `concurrency` untimed calls: connections open, code compiled, caches warm. */
export async function runWarmLoad(
  count: number,
  concurrency: number,
  timeoutMs: number,
  call: (index: number) => Promise<unknown>,
): Promise<LoadResult> {
  await runLoad(concurrency, concurrency, timeoutMs, (index) => call(count + index));
  return runLoad(count, concurrency, timeoutMs, call);
}
