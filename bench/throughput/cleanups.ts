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
