// Delayed jobs under time-skipping: a job started with `delay` or `runAt` is `scheduled`, no
// worker sees it, and it runs once the delay has passed.
import { JobsHarness } from '../helpers/jobs-harness';

const TWO_HOURS_MS = 2 * 60 * 60 * 1000;

describe('delayed jobs', () => {
  let harness: JobsHarness;

  beforeAll(async () => {
    harness = await JobsHarness.start();
  });

  afterAll(async () => {
    await harness?.stop();
  });

  async function start(body: Record<string, unknown>) {
    return harness.app.inject({ method: 'POST', url: '/upload', payload: body });
  }

  it('stays scheduled until its delay has passed, then runs', async () => {
    const { fileId } = await harness.uploadFile('delayed,file\n1,2\n', 'text/csv');
    const response = await start({ fileId, delay: '2h' });
    expect(response.statusCode).toBe(202);
    const { jobId } = response.json();

    const waiting = await harness.status(jobId);
    expect(waiting.state).toBe('scheduled');
    expect(waiting.startedAt).toBeNull();
    expect(await harness.history(jobId)).toHaveLength(1);

    await harness.waitForJob(jobId);
    const done = await harness.status(jobId);
    expect(done.state).toBe('completed');
    const waited = Date.parse(done.startedAt!) - Date.parse(done.createdAt);
    expect(waited).toBeGreaterThanOrEqual(TWO_HOURS_MS);
  });

  it('takes runAt as the time to begin', async () => {
    const { fileId } = await harness.uploadFile('run at,file\n', 'text/csv');
    const runAt = new Date(Date.now() + TWO_HOURS_MS).toISOString();
    const response = await start({ fileId, runAt });
    expect(response.statusCode).toBe(202);
    const { jobId } = response.json();
    expect((await harness.status(jobId)).state).toBe('scheduled');
    const described = await harness.env.client.workflow.getHandle(jobId).describe();
    // The test server's clock runs ahead of ours once time has been skipped: compare the delays.
    const delay = described.executionTime!.getTime() - described.startTime.getTime();
    expect(Math.abs(delay - TWO_HOURS_MS)).toBeLessThan(60_000);
  });

  it.each([
    [{ delay: '90s', runAt: '2030-01-01T00:00:00Z' }, 'delay'],
    [{ runAt: '2001-01-01T00:00:00Z' }, 'runAt'],
    [{ runAt: 'tomorrow' }, 'runAt'],
    [{ runAt: '2030-01-01' }, 'runAt'],
    [{ runAt: new Date(Date.now() + 400 * 24 * 3_600_000).toISOString() }, 'runAt'],
    [{ delay: 'soon' }, 'delay'],
    [{ delay: '0s' }, 'delay'],
    [{ delay: '400d' }, 'delay'],
  ])('refuses %j with a 400 naming %s', async (timing, field) => {
    const { fileId } = await harness.uploadFile('refused\n', 'text/csv');
    const response = await start({ fileId, ...timing });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', field });
  });

  it('takes a delay on POST /emails too', async () => {
    const response = await harness.app.inject({
      method: 'POST',
      url: '/emails',
      payload: { to: 'ann@example.com', template: 'welcome', params: { name: 'Ann' }, delay: '15m' },
    });
    expect(response.statusCode).toBe(202);
    expect((await harness.status(response.json().jobId)).state).toBe('scheduled');
  });
});
