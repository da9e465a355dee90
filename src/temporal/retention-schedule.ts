import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { msToNumber } from '@temporalio/common/lib/time';
import { TASK_QUEUE } from '../contracts';
import type { Logger } from '../logger';
import { sweepRetention } from '../workflows';

export const RETENTION_SCHEDULE_ID = 'durable-jobs-retention';
/** One id for every sweep run: Temporal then never runs two at once, whatever starts them. */
export const RETENTION_WORKFLOW_ID = 'durable-jobs-retention-sweep';

export type ScheduleSetup = 'created' | 'present' | 'updated';

/**
 * Makes sure the retention sweep runs every `intervalMs`: creates the schedule, or corrects its
 * interval when another configuration made it. Every worker calls this at start; whichever comes
 * first creates it, the others find it there. Overlapping sweeps are skipped.
 */
export async function ensureRetentionSchedule(
  client: Client,
  intervalMs: number,
  logger?: Logger,
): Promise<ScheduleSetup> {
  const options = {
    scheduleId: RETENTION_SCHEDULE_ID,
    spec: { intervals: [{ every: intervalMs }] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: sweepRetention,
      workflowId: RETENTION_WORKFLOW_ID,
      taskQueue: TASK_QUEUE,
      args: [] as [],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' as const },
  };
  try {
    await client.schedule.create(options);
    logger?.info({ schedule: RETENTION_SCHEDULE_ID, everyMs: intervalMs }, 'retention schedule created');
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  const handle = client.schedule.getHandle(RETENTION_SCHEDULE_ID);
  const current = (await handle.describe()).spec.intervals ?? [];
  if (current.length === 1 && msToNumber(current[0]!.every) === intervalMs) return 'present';
  await handle.update((previous) => ({ ...previous, spec: options.spec }));
  logger?.info(
    { schedule: RETENTION_SCHEDULE_ID, everyMs: intervalMs },
    'retention schedule interval updated',
  );
  return 'updated';
}
