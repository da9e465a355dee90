/** What a phase started, stopped in reverse order whatever happens; one failure does not skip the rest. */
export class Cleanups {
  private readonly steps: Array<() => Promise<void> | void> = [];

  defer(step: () => Promise<void> | void): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        console.error('bench clean-up failed:', error);
      }
    }
  }
}

/** Runs `work` with a fresh set of clean-ups, run when it ends. */
export async function withCleanups<T>(work: (cleanups: Cleanups) => Promise<T>): Promise<T> {
  const cleanups = new Cleanups();
  try {
    return await work(cleanups);
  } finally {
    await cleanups.run();
  }
}

const exitSteps = new Set<() => void>();

function runExitSteps(): void {
  for (const step of [...exitSteps].reverse()) step();
}

/**
 * Runs `step` (synchronous) if the bench exits before the returned function is called: on Ctrl-C or
 * a crash, where the clean-ups above do not get to run.
 */
export function onAbnormalExit(step: () => void): () => void {
  if (exitSteps.size === 0) {
    process.once('exit', runExitSteps);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  }
  exitSteps.add(step);
  return () => exitSteps.delete(step);
}
