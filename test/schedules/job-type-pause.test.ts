// Pausing a job type on the real dev server (Temporal's activity pause): jobs started while the
// type is paused are accepted and wait, holding no worker; after resume every one completes,
// without an attempt spent on the pause.
import { setTimeout as sleep } from 'node:timers/promises';
import { JobsHarness } from '../helpers/jobs-harness';
import { createLocalEnv } from '../helpers/temporal-env';

const JOBS = 3;

describe('pausing a job type', () => {
  let harness: JobsHarness;

  beforeAll(async () => {
    harness = await JobsHarness.start({ createEnv: () => createLocalEnv() });
  });

  afterAll(async () => {
    await harness?.stop();
  });

  const post = (url: string) => harness.app.inject({ method: 'POST', url });
  const health = async () => (await harness.app.inject({ method: 'GET', url: '/health/jobs' })).json();

  async function pausedSteps(jobId: string): Promise<boolean> {
    const described = await harness.env.client.workflow.getHandle(jobId).describe();
    return (described.raw.pendingActivities ?? []).some((activity) => activity.paused);
  }

  it('holds jobs started while paused, and completes every one after resume', async () => {
    const paused = await post('/job-types/processUpload/pause');
    expect(paused.statusCode).toBe(200);
    expect(paused.json()).toMatchObject({ jobType: 'processUpload', paused: true, pausedBy: 'anonymous' });
    const report = await health();
    expect(report.jobs.processUpload.paused).toBe(true);
    expect(report.jobs.sendEmail.paused).toBeUndefined();

    const jobIds: string[] = [];
    for (let index = 0; index < JOBS; index += 1) {
      const { fileId } = await harness.uploadFile(`paused,${index}\n`, 'text/csv');
      jobIds.push(await harness.startProcessing({ fileId }));
    }
    const deadline = Date.now() + 20_000;
    let waiting: boolean[] = [];
    do {
      await sleep(250);
      waiting = await Promise.all(jobIds.map(pausedSteps));
    } while (waiting.includes(false) && Date.now() < deadline);
    expect(waiting).toEqual(jobIds.map(() => true));
    await sleep(2_000);
    for (const jobId of jobIds) expect((await harness.status(jobId)).state).not.toBe('completed');

    const resumed = await post('/job-types/processUpload/resume');
    expect(resumed.statusCode).toBe(200);
    expect(resumed.json()).toMatchObject({ paused: false, pausedAt: null });
    expect((await health()).jobs.processUpload.paused).toBeUndefined();

    const results = await Promise.race([
      Promise.all(jobIds.map((jobId) => harness.env.client.workflow.getHandle(jobId).result())),
      sleep(30_000).then(() => 'timed out'),
    ]);
    expect(results).toHaveLength(JOBS);
    for (const jobId of jobIds) {
      const status = await harness.status(jobId);
      expect(status.state).toBe('completed');
      // The attempt the pause failed is given back on resume.
      expect(status.attempts).toBe(1);
    }
  });

  it('refuses an unknown job type', async () => {
    const response = await post('/job-types/nothing/pause');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
