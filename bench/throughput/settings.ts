// How much the throughput section does: bounded in count and in time.
export interface ThroughputSettings {
  /** Jobs per measured figure (BENCH_JOBS, default 1,000). */
  jobs: number;
  /** Starts or requests in flight at once. */
  concurrency: number;
  /** Longest any one phase may take (BENCH_PHASE_TIMEOUT_S, default 600 s). */
  phaseTimeoutMs: number;
}

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

export function throughputSettings(): ThroughputSettings {
  return {
    jobs: positiveInteger('BENCH_JOBS', 1_000),
    concurrency: 32,
    phaseTimeoutMs: positiveInteger('BENCH_PHASE_TIMEOUT_S', 600) * 1000,
  };
}
