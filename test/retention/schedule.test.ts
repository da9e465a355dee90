// The retention schedule on the real dev server: every worker ensures it at start, so it must be
// created once however many do so at once, and a triggered run sweeps with the real worker.
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { silentLogger } from '../../src/logger';
import {
  ensureRetentionSchedule,
  RETENTION_SCHEDULE_ID,
  RETENTION_WORKFLOW_ID,
} from '../../src/temporal/retention-schedule';
import { localBlobs } from '../helpers/blobs';
import { JobsHarness } from '../helpers/jobs-harness';
import { createLocalEnv } from '../helpers/temporal-env';

const HOUR_MS = 60 * 60 * 1000;

describe('the durable-jobs-retention schedule', () => {
  let harness: JobsHarness;

  beforeAll(async () => {
    harness = await JobsHarness.start({
      createEnv: () => createLocalEnv(),
      // Orphans after one second, so that a run triggered now has something to delete.
      config: { fileOrphanRetentionMs: 1_000 },
    });
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it('is created once when several workers start together, and corrected when the interval changes', async () => {
    const client = harness.env.client;
    const outcomes = await Promise.all(
      [1, 2, 3].map(() => ensureRetentionSchedule(client, HOUR_MS, silentLogger)),
    );
    expect(outcomes.sort()).toEqual(['created', 'present', 'present']);

    const described = await client.schedule.getHandle(RETENTION_SCHEDULE_ID).describe();
    expect(described.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'sweepRetention',
      workflowId: RETENTION_WORKFLOW_ID,
      taskQueue: 'durable-jobs',
    });
    expect(described.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
    expect(described.spec.intervals?.map((interval) => interval.every)).toEqual([HOUR_MS]);

    expect(await ensureRetentionSchedule(client, 2 * HOUR_MS)).toBe('updated');
    expect(await ensureRetentionSchedule(client, 2 * HOUR_MS)).toBe('present');
    const updated = await client.schedule.getHandle(RETENTION_SCHEDULE_ID).describe();
    expect(updated.spec.intervals?.map((interval) => interval.every)).toEqual([2 * HOUR_MS]);
  });

  it('runs sweepRetention on the worker when it fires', async () => {
    const orphan = await harness.uploadFile('nobody processes this', 'text/plain');
    const blobPath = path.join(localBlobs(harness.testApp.services.blobs).directory, orphan.fileId);
    expect(fs.existsSync(blobPath)).toBe(true);
    await sleep(1_100);

    await ensureRetentionSchedule(harness.env.client, HOUR_MS);
    await harness.env.client.schedule.getHandle(RETENTION_SCHEDULE_ID).trigger();
    const deadline = Date.now() + 30_000;
    let result: unknown;
    while (result === undefined && Date.now() < deadline) {
      const described = await harness.env.client.schedule.getHandle(RETENTION_SCHEDULE_ID).describe();
      const run = described.info.recentActions.at(-1)?.action.workflow;
      if (run)
        result = await harness.env.client.workflow
          .getHandle(run.workflowId, run.firstExecutionRunId)
          .result();
      else await sleep(200);
    }
    expect(result).toMatchObject({ orphanFilesDeleted: 1 });
    expect(fs.existsSync(blobPath)).toBe(false);
  });
});
