// A fixed number of calls with a fixed number in flight, timed one by one.

export interface LoadResult {
  /** Each successful call's time, in the order they finished. */
  latenciesMs: number[];
  failed: number;
  /** The first failure's message, to tell the reader what went wrong. */
  firstError?: string;
  elapsedMs: number;
  timedOut: boolean;
}

export function percentile(values: number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}

export function perSecond(result: LoadResult): number {
  return result.latenciesMs.length / (result.elapsedMs / 1000);
}

export function p99Ms(result: LoadResult): number {
  return percentile(result.latenciesMs, 0.99);
}

/** Several loads of the same kind as one: their calls and their time added up. */
export function combined(results: LoadResult[]): LoadResult {
  const firstError = results.find((result) => result.firstError !== undefined)?.firstError;
  return {
    latenciesMs: results.flatMap((result) => result.latenciesMs),
    failed: results.reduce((sum, result) => sum + result.failed, 0),
    ...(firstError === undefined ? {} : { firstError }),
    elapsedMs: results.reduce((sum, result) => sum + result.elapsedMs, 0),
    timedOut: results.some((result) => result.timedOut),
  };
}

async function timedCall(call: () => Promise<unknown>, result: LoadResult): Promise<void> {
  const started = performance.now();
  try {
    await call();
    result.latenciesMs.push(performance.now() - started);
  } catch (error) {
    result.failed += 1;
    result.firstError ??= error instanceof Error ? error.message : String(error);
  }
}

/** Calls `call(index)` for index 0…count-1, `concurrency` at a time; stops taking new ones at `timeoutMs`. */
export async function runLoad(
  count: number,
  concurrency: number,
  timeoutMs: number,
  call: (index: number) => Promise<unknown>,
): Promise<LoadResult> {
  const result: LoadResult = { latenciesMs: [], failed: 0, elapsedMs: 0, timedOut: false };
  const started = performance.now();
  const deadline = started + timeoutMs;
  let next = 0;
  const lane = async () => {
    while (next < count && performance.now() < deadline) await timedCall(() => call(next++), result);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  result.elapsedMs = performance.now() - started;
  result.timedOut = next < count;
  return result;
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
