// The retention sweep end to end under time-skipping: real API, worker, SQLite and files on disk.
// Uploads are stamped with the real clock; the sweep judges expiry by workflow time, which the
// test server moves forward by days in an instant. Jobs are awaited through a client that does not
// unlock time skipping, so that server time only moves when the test says so.
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { TASK_QUEUE } from '../../src/contracts';
import { metricsRegistry } from '../../src/monitoring/metrics';
import { sweepRetention, type SweepRetentionResult } from '../../src/workflows/sweep-retention';
import { localBlobs } from '../helpers/blobs';
import { useUploadSuite } from '../helpers/jobs-harness';

async function counterValue(name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = (await metricsRegistry.getMetricsAsJSON()).find((candidate) => candidate.name === name);
  const sample = (metric?.values ?? []).find((value) =>
    Object.entries(labels).every(([key, expected]) => value.labels[key] === expected),
  );
  return Number(sample?.value ?? 0);
}

describe('the retention sweep', () => {
  const suite = useUploadSuite();
  let sweeps = 0;

  const DAY_MS = 24 * 60 * 60 * 1000;
  const client = () => new Client({ connection: suite.harness.env.connection });
  const sweep = (): Promise<SweepRetentionResult> =>
    client().workflow.execute(sweepRetention, {
      taskQueue: TASK_QUEUE,
      workflowId: `retention-test-${(sweeps += 1)}`,
    });
  const onDisk = (fileId: string) =>
    fs.existsSync(path.join(localBlobs(suite.harness.testApp.services.blobs).directory, fileId));
  const fileStatus = async (fileId: string) =>
    (await suite.harness.app.inject({ method: 'GET', url: `/files/${fileId}` })).statusCode;
  const waitFor = (jobId: string) =>
    client()
      .workflow.getHandle(jobId)
      .result()
      .catch(() => undefined);
  /** Moves server time to `count` days after `start` (real time, as uploads are stamped). */
  const daysAfter = async (start: number, count: number) => {
    const ahead = start + count * DAY_MS - (await suite.harness.env.currentTimeMs());
    if (ahead <= 0) throw new Error('server time is already past the moment the test needs');
    await suite.harness.env.sleep(ahead);
  };

  it('deletes used files 7 days after their job, orphans after a day, and keeps what a pending dead letter needs', async () => {
    const { harness, receiver } = suite;
    const start = Date.now();
    const deletedBefore = await counterValue('durable_jobs_retention_deleted_files_total', {
      reason: 'expired',
    });
    const orphansBefore = await counterValue('durable_jobs_retention_deleted_files_total', {
      reason: 'orphan',
    });

    const used = await harness.uploadFile('analysed then kept a week', 'text/plain');
    const usedJob = await harness.startProcessing({ fileId: used.fileId });
    await waitFor(usedJob);
    const orphan = await harness.uploadFile('never used', 'text/plain');
    receiver.answer([], 410);
    const held = await harness.uploadFile('its job is dead-lettered', 'text/plain');
    const heldJob = await harness.startProcessing({ fileId: held.fileId, notifyUrl: receiver.url });
    await waitFor(heldJob);
    expect((await harness.status(heldJob)).state).toBe('dead_lettered');

    expect(await sweep()).toMatchObject({ expiredFilesDeleted: 0, orphanFilesDeleted: 0 });
    for (const fileId of [used.fileId, orphan.fileId, held.fileId]) expect(onDisk(fileId)).toBe(true);

    await daysAfter(start, 2);
    expect(await sweep()).toMatchObject({ expiredFilesDeleted: 0, orphanFilesDeleted: 1 });
    expect(onDisk(orphan.fileId)).toBe(false);
    expect(await fileStatus(orphan.fileId)).toBe(404);
    expect(onDisk(used.fileId)).toBe(true);

    await daysAfter(start, 8);
    expect(await sweep()).toMatchObject({ expiredFilesDeleted: 1, orphanFilesDeleted: 0 });
    expect(onDisk(used.fileId)).toBe(false);
    expect(await fileStatus(used.fileId)).toBe(404);
    // A dead letter waiting for a redrive keeps its file, so the redrive can still run.
    expect(onDisk(held.fileId)).toBe(true);
    expect(await fileStatus(held.fileId)).toBe(200);

    // Sweeping again, or twice at once, deletes nothing more and fails nothing.
    const again = await Promise.all([sweep(), sweep()]);
    expect(again.map((result) => result.expiredFilesDeleted + result.orphanFilesDeleted)).toEqual([0, 0]);

    const [entry] = (await harness.testApp.services.deadLetters.list({ limit: 10 })).items;
    expect(entry?.jobId).toBe(heldJob);
    const discarded = await harness.app.inject({ method: 'DELETE', url: `/dead-letters/${entry!.id}` });
    expect(discarded.statusCode).toBeLessThan(300);
    expect(await sweep()).toMatchObject({ expiredFilesDeleted: 1 });
    expect(onDisk(held.fileId)).toBe(false);

    expect(await counterValue('durable_jobs_retention_deleted_files_total', { reason: 'expired' })).toBe(
      deletedBefore + 2,
    );
    expect(await counterValue('durable_jobs_retention_deleted_files_total', { reason: 'orphan' })).toBe(
      orphansBefore + 1,
    );
  });

  it('redacts a dead letter after 30 days; its redrive is a 400 until the redacted fields are supplied', async () => {
    const { harness, receiver } = suite;
    const start = Date.now();
    receiver.answer([], 410);
    const file = await harness.uploadFile('webhook refused', 'text/plain');
    const notifyUrl = `${receiver.url}?token=secret-reset-token`;
    const jobId = await harness.startProcessing({ fileId: file.fileId, notifyUrl });
    await waitFor(jobId);
    const entry = (await harness.testApp.services.deadLetters.list({ limit: 50 })).items.find(
      (candidate) => candidate.jobId === jobId,
    );
    expect(JSON.stringify(entry)).toContain('secret-reset-token');

    await daysAfter(start, 29);
    expect((await sweep()).deadLettersRedacted).toBe(0);
    await daysAfter(start, 31);
    expect((await sweep()).deadLettersRedacted).toBe(1);

    const shown = await harness.app.inject({ method: 'GET', url: `/dead-letters/${entry!.id}` });
    expect(shown.statusCode).toBe(200);
    expect(shown.body).not.toContain('secret-reset-token');
    expect(shown.json()).toMatchObject({
      input: { fileId: file.fileId, notifyUrl: '[redacted]' },
      status: 'pending',
      redactedAt: expect.any(String),
    });
    // The entry is still pending, so its file is still there for the redrive.
    expect(onDisk(file.fileId)).toBe(true);

    const refused = await harness.app.inject({
      method: 'POST',
      url: `/dead-letters/${entry!.id}/redrive`,
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ field: 'input.notifyUrl', redactedFields: ['notifyUrl'] });
    expect(refused.json().error).toContain('redacted');
    expect(typeof refused.json().code).toBe('string');

    receiver.answer([], 200);
    const redriven = await harness.app.inject({
      method: 'POST',
      url: `/dead-letters/${entry!.id}/redrive`,
      payload: { input: { notifyUrl: receiver.url } },
    });
    expect(redriven.statusCode).toBe(202);
    await waitFor(redriven.json().jobId);
    expect((await harness.status(redriven.json().jobId)).state).toBe('completed');
  });
});
