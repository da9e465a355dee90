// The worker's per-job-type rate limit: a step (activity) of a limited job type waits, before it
// runs, until its turn at the type's rate. Per worker process: N workers allow N times the rate.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { JobRateLimits } from '../jobs/rate-limits';

/** Spaces starts evenly at `perSecond`: each start takes the next free slot. */
export class StartSpacer {
  private nextSlotAt = 0;
  private readonly intervalMs: number;

  constructor(perSecond: number) {
    this.intervalMs = 1000 / perSecond;
  }

  /** How long the caller must wait for its slot, taking the slot. */
  reserve(now = Date.now()): number {
    const slot = Math.max(now, this.nextSlotAt);
    this.nextSlotAt = slot + this.intervalMs;
    return slot - now;
  }
}

export function jobTypeRateLimiter(limits: JobRateLimits): ActivityInterceptorsFactory {
  const spacers = new Map(Object.entries(limits).map(([jobType, rate]) => [jobType, new StartSpacer(rate)]));
  return ({ info, cancellationSignal }) => ({
    inbound: {
      execute: async (input, next) => {
        const spacer = spacers.get(info.workflowType ?? '');
        const waitMs = spacer?.reserve() ?? 0;
        if (waitMs > 0) await sleep(waitMs, undefined, { signal: cancellationSignal });
        return next(input);
      },
    },
  });
}
