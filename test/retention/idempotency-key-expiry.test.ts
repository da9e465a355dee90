// Idempotency keys expire: the retention sweep forgets a key IDEMPOTENCY_KEY_RETENTION (24 h) after
// its first use, and the key then names a new job. Under time-skipping, as the other sweep tests:
// keys are stamped with the real clock, the sweep judges by workflow time, moved forward at will.
import { Client } from '@temporalio/client';
import { TASK_QUEUE } from '../../src/contracts';
import { sweepRetention } from '../../src/workflows/sweep-retention';
import { useUploadSuite } from '../helpers/jobs-harness';

describe('idempotency keys past their retention', () => {
  const suite = useUploadSuite();
  const HOUR_MS = 60 * 60 * 1000;
  let sweeps = 0;

  // Not the harness's client: waiting through it would let the test server skip time ahead.
  const client = () => new Client({ connection: suite.harness.env.connection });
  const sweep = () =>
    client().workflow.execute(sweepRetention, {
      taskQueue: TASK_QUEUE,
      workflowId: `idempotency-expiry-${(sweeps += 1)}`,
    });
  const hoursAfter = async (start: number, count: number) => {
    const ahead = start + count * HOUR_MS - (await suite.harness.env.currentTimeMs());
    if (ahead <= 0) throw new Error('server time is already past the moment the test needs');
    await suite.harness.env.sleep(ahead);
  };
  const waitFor = (jobId: string) => client().workflow.getHandle(jobId).result();
  const startWithKey = (body: Record<string, unknown>) =>
    suite.harness.app.inject({
      method: 'POST',
      url: '/upload',
      payload: body,
      headers: { 'idempotency-key': 'nightly-import' },
    });

  it('are remembered for 24 hours, then forgotten by the sweep, and the key starts a new job', async () => {
    const start = Date.now();
    const { fileId } = await suite.harness.uploadFile('imported every night', 'text/plain');
    const first = await startWithKey({ fileId });
    expect(first.statusCode).toBe(202);
    const firstJob = first.json().jobId;
    await waitFor(firstJob);

    await hoursAfter(start, 23);
    expect((await sweep()).idempotencyKeysDeleted).toBe(0);
    const reused = await startWithKey({ fileId, priority: 2 });
    expect(reused.statusCode).toBe(422);
    expect(reused.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });

    await hoursAfter(start, 25);
    expect((await sweep()).idempotencyKeysDeleted).toBe(1);
    const fresh = await startWithKey({ fileId, priority: 2 });
    expect(fresh.statusCode).toBe(202);
    const freshJob = fresh.json().jobId;
    expect(freshJob).not.toBe(firstJob);
    // The new use is remembered as the first was: a retry of it finds its job.
    const retried = await startWithKey({ fileId, priority: 2 });
    expect(retried.statusCode).toBe(202);
    expect(retried.json().jobId).toBe(freshJob);
    await waitFor(freshJob);
    expect((await suite.harness.status(freshJob)).state).toBe('completed');
  });
});
