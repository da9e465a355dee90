// Recurring jobs through Temporal Schedules, on the real dev server (the time-skipping test server
// has no schedules): created, listed, fired by their interval and by trigger, paused, deleted.
import { setTimeout as sleep } from 'node:timers/promises';
import { JobsHarness } from '../helpers/jobs-harness';
import { createLocalEnv } from '../helpers/temporal-env';

const WAIT_MS = 30_000;
const UPLOADED = { fileId: 'the uploaded file' };

/** Polls `read` until `done` holds of its value, at most WAIT_MS; the last value either way. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await sleep(250);
    value = await read();
  }
  return value;
}

describe('job schedules', () => {
  let harness: JobsHarness;
  let fileId: string;

  beforeAll(async () => {
    harness = await JobsHarness.start({ createEnv: () => createLocalEnv() });
    ({ fileId } = await harness.uploadFile('scheduled,report\n1,2\n', 'text/csv'));
  });

  afterAll(async () => {
    await harness?.stop();
  });

  const inject = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    harness.app.inject({ method, url, payload });

  const schedule = async (id: string) => (await inject('GET', `/schedules/${id}`)).json();

  it('starts jobs with the job id prefix and state, by trigger, and is paused, resumed and deleted', async () => {
    const created = await inject('POST', '/schedules', {
      id: 'nightly-report',
      jobType: 'processUpload',
      input: { fileId },
      cron: '0 3 * * *',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      id: 'nightly-report',
      jobType: 'processUpload',
      cron: '0 3 * * *',
      every: null,
      overlap: 'skip',
      paused: false,
      input: { fileId, contentType: 'text/csv' },
    });
    expect(created.json().nextRunsAt[0]).toMatch(/T03:00:00/);

    const taken = await inject('POST', '/schedules', {
      id: 'nightly-report',
      jobType: 'processUpload',
      input: { fileId },
      every: '1h',
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'CONFLICT', scheduleId: 'nightly-report' });

    expect((await inject('POST', '/schedules/nightly-report/trigger')).statusCode).toBe(202);
    const triggered = await eventually(
      () => schedule('nightly-report'),
      (value) => value.recentJobs.length > 0,
    );
    const jobId: string = triggered.recentJobs[0].jobId;
    expect(jobId).toMatch(/^upload-schedule-nightly-report-/);
    await harness.waitForJob(jobId);
    const job = await harness.status(jobId);
    expect(job).toMatchObject({ state: 'completed', type: 'processUpload' });
    const described = await harness.env.client.workflow.getHandle(jobId).describe();
    expect(described.searchAttributes).toMatchObject({ JobType: ['processUpload'] });

    const listed = await eventually(
      async () => (await inject('GET', '/schedules')).json().items as { id: string }[],
      (items) => items.some((item) => item.id === 'nightly-report'),
    );
    expect(listed.map((item) => item.id)).toContain('nightly-report');

    const paused = await inject('POST', '/schedules/nightly-report/pause', { note: 'maintenance' });
    expect(paused.json()).toMatchObject({ paused: true, note: 'maintenance' });
    const resumed = await inject('POST', '/schedules/nightly-report/resume');
    expect(resumed.json()).toMatchObject({ paused: false });

    expect((await inject('DELETE', '/schedules/nightly-report')).statusCode).toBe(204);
    const gone = await inject('GET', '/schedules/nightly-report');
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toMatchObject({ code: 'NOT_FOUND', scheduleId: 'nightly-report' });
  });

  it('fires on its interval, and a paused schedule starts nothing', async () => {
    const created = await inject('POST', '/schedules', {
      id: 'every-two-seconds',
      jobType: 'processUpload',
      input: { fileId },
      every: '2s',
      overlap: 'bufferOne',
    });
    expect(created.statusCode).toBe(201);
    const fired = await eventually(
      () => schedule('every-two-seconds'),
      (value) => value.recentJobs.length >= 2,
    );
    expect(fired.recentJobs.length).toBeGreaterThanOrEqual(2);
    expect(fired).toMatchObject({ every: '2s', overlap: 'bufferOne' });

    await inject('POST', '/schedules/every-two-seconds/pause');
    const before = (await schedule('every-two-seconds')).recentJobs.length;
    await sleep(4_500);
    expect((await schedule('every-two-seconds')).recentJobs).toHaveLength(before);
    await inject('DELETE', '/schedules/every-two-seconds');
  });

  it.each([
    [{ jobType: 'processUpload', input: UPLOADED, cron: '0 3 * * *', every: '1h' }, 'every'],
    [{ jobType: 'processUpload', input: UPLOADED }, 'cron'],
    [{ jobType: 'processUpload', input: UPLOADED, cron: 'not a cron' }, 'cron'],
    [{ jobType: 'processUpload', input: UPLOADED, every: 'often' }, 'every'],
    [{ jobType: 'processUpload', input: {}, every: '1h' }, 'input.fileId'],
    [{ jobType: 'sendEmail', input: { to: 'not an address', template: 'welcome' }, every: '1h' }, 'input.to'],
  ])('refuses %j with a 400 naming %s', async (body, field) => {
    // it.each's table is built before the file is uploaded: the marker stands for its input.
    const input = body.input === UPLOADED ? { fileId } : body.input;
    const response = await inject('POST', '/schedules', { id: 'refused', ...body, input });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', field });
    expect((await inject('GET', '/schedules/refused')).statusCode).toBe(404);
  });

  it('answers 404 for an unknown schedule on every action', async () => {
    for (const action of ['pause', 'resume', 'trigger']) {
      expect((await inject('POST', `/schedules/nope/${action}`)).statusCode).toBe(404);
    }
    expect((await inject('DELETE', '/schedules/nope')).statusCode).toBe(404);
  });
});
