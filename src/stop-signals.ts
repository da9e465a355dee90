import type { Logger } from './logger';

/**
 * One Ctrl-C can reach a process more than once (from the terminal's process group, and relayed
 * by `npm` and `tsx`): repeats this soon after the first are the same request.
 */
const SAME_REQUEST_MS = 2_000;

/**
 * Calls `stop` on the first SIGINT or SIGTERM; a later one exits at once, for a person who does
 * not want to wait for the drain.
 */
export function onStopSignals(logger: Logger, stop: (signal: NodeJS.Signals) => void): void {
  let firstAt: number | undefined;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (firstAt === undefined) {
        firstAt = Date.now();
        return stop(signal);
      }
      if (Date.now() - firstAt < SAME_REQUEST_MS) return;
      logger.warn({ signal }, 'second stop signal: exiting without waiting');
      process.exit(130);
    });
  }
}
