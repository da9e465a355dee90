// With payload encryption on, the progress a running upload job reports still reads: the memo and
// the heartbeat details of its pending analysis are decrypted before the status is worked out.
import crypto from 'node:crypto';
import type { EncryptionKey } from '../../src/temporal/payload-codec';
import { HeldAnalysis } from '../helpers/held-analysis';
import { clientOptionsFor, JobsHarness } from '../helpers/jobs-harness';
import { createLocalEnv } from '../helpers/temporal-env';

jest.setTimeout(120_000);

const KEYS: EncryptionKey[] = [{ id: 'progress-test', key: crypto.randomBytes(32) }];

describe('upload progress with encrypted payloads', () => {
  const held = new HeldAnalysis();
  let harness: JobsHarness;

  beforeAll(async () => {
    harness = await JobsHarness.start({
      createEnv: () => createLocalEnv({ client: clientOptionsFor(KEYS) }),
      config: { payloadEncryptionKeys: KEYS },
      wrapActivities: held.wrap,
    });
  });

  afterAll(async () => {
    held.release();
    await harness?.stop();
  });

  it('refines the stage figure with the decrypted heartbeat, then completes with its result', async () => {
    const { fileId, sha256 } = await harness.uploadFile('held while encrypted\n', 'text/plain');
    held.fileId = fileId;
    const jobId = await harness.startProcessing({ fileId });

    const deadline = Date.now() + 60_000;
    let status = await harness.status(jobId);
    while (status.progress !== 50 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      status = await harness.status(jobId);
    }
    // 10 % at the analysis stage, 512 of 1024 bytes heartbeated: half way to 90 %.
    expect(status).toMatchObject({ state: 'running', stage: 'analysing', progress: 50 });
    const pending = await harness.env.client.workflow.getHandle(jobId).describe();
    const details = pending.raw.pendingActivities?.[0]?.heartbeatDetails?.payloads?.[0];
    expect(Buffer.from(details?.metadata?.encoding ?? []).toString()).toBe('binary/encrypted');

    held.release();
    await harness.waitForJob(jobId);
    expect(await harness.status(jobId)).toMatchObject({ state: 'completed', result: { sha256 } });
  });
});
