// GET /jobs and POST /jobs/:jobId/cancel on the real dev server: visibility lists, filters and
// pages through the jobs; a cancelled upload undoes its half-done work and ends cancelled.
import { JOB_STATE_SEARCH_ATTRIBUTE } from '../../src/contracts';
import type { JobListItem, JobListPage } from '../../src/jobs/job-list';
import { startJob } from '../../src/jobs/start-job';
import { sendEmail } from '../../src/workflows';
import { HeldAnalysis } from '../helpers/held-analysis';
import { JobsHarness } from '../helpers/jobs-harness';
import { createLocalEnv } from '../helpers/temporal-env';
import { WebhookReceiver } from '../helpers/webhook-receiver';

jest.setTimeout(120_000);

const IDLE_QUEUE = 'jobs-list-test-nobody-polls';

describe('the jobs API on the real dev server', () => {
  const held = new HeldAnalysis();
  let harness: JobsHarness;
  let receiver: WebhookReceiver;
  const jobs = { completed: '', deadLettered: '', running: '', queuedEmail: '' };
  let runningFileId = '';

  const get = async (url: string) => harness.app.inject({ method: 'GET', url });
  const list = async (query = ''): Promise<JobListPage> => {
    const response = await get(`/jobs${query}`);
    expect(response.statusCode).toBe(200);
    return response.json();
  };
  const ids = (page: JobListPage) => page.items.map((item) => item.jobId);

  /** Visibility is eventually consistent: ask again until the page shows what `done` wants. */
  async function listUntil(query: string, done: (page: JobListPage) => boolean): Promise<JobListPage> {
    let page = await list(query);
    for (let attempt = 0; attempt < 40 && !done(page); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      page = await list(query);
    }
    return page;
  }

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    harness = await JobsHarness.start({
      createEnv: createLocalEnv,
      wrapActivities: held.wrap,
      config: { webhookAllowedHosts: [receiver.allowedHost] },
    });
    const { fileId } = await harness.uploadFile('listed and completed', 'text/plain');
    jobs.completed = await harness.startProcessing({ fileId });
    await harness.waitForJob(jobs.completed);
    receiver.answer([], 410);
    const { fileId: rejected } = await harness.uploadFile('listed and dead-lettered', 'text/plain');
    jobs.deadLettered = await harness.startProcessing({ fileId: rejected, notifyUrl: receiver.url });
    await harness.waitForJob(jobs.deadLettered);
    const { fileId: heldFile } = await harness.uploadFile('listed while running', 'text/plain');
    held.fileId = runningFileId = heldFile;
    jobs.running = await harness.startProcessing({ fileId: heldFile });
    // Nobody polls this queue: the e-mail job stays queued.
    const email = { to: 'queued.person@example.com', template: 'welcome', params: { name: 'Q' } };
    jobs.queuedEmail = (
      await startJob(harness.env.client, sendEmail, email, { taskQueue: IDLE_QUEUE })
    ).jobId;
    await listUntil('', (page) =>
      page.items.some((item) => item.jobId === jobs.running && item.state === 'running'),
    );
  });

  afterAll(async () => {
    held.release();
    await receiver?.stop();
    await harness?.stop();
  });

  it('lists every job with its state, open ones first, newest first, and no input', async () => {
    const page = await listUntil('', (candidate) => candidate.items.length === 4);
    expect(ids(page)).toEqual([jobs.queuedEmail, jobs.running, jobs.deadLettered, jobs.completed]);
    const byId = Object.fromEntries(page.items.map((item) => [item.jobId, item])) as Record<
      string,
      JobListItem
    >;
    expect(byId[jobs.completed]).toMatchObject({ type: 'processUpload', state: 'completed' });
    expect(byId[jobs.deadLettered]).toMatchObject({ type: 'processUpload', state: 'dead_lettered' });
    expect(byId[jobs.running]).toMatchObject({ type: 'processUpload', state: 'running', finishedAt: null });
    expect(byId[jobs.queuedEmail]).toMatchObject({ type: 'sendEmail', state: 'queued', finishedAt: null });
    const completed = byId[jobs.completed]!;
    expect(Object.keys(completed).sort()).toEqual(
      ['createdAt', 'finishedAt', 'jobId', 'runId', 'state', 'type', 'webUiUrl'].sort(),
    );
    expect(Date.parse(completed.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(completed.createdAt));
    expect(completed.webUiUrl).toContain(`/workflows/${jobs.completed}/${completed.runId}/history`);
    expect(JSON.stringify(page)).not.toContain('queued.person');
    expect(page.nextCursor).toBeNull();
  });

  it('filters by state, type and creation time', async () => {
    expect(ids(await list('?state=dead_lettered'))).toEqual([jobs.deadLettered]);
    expect(ids(await list('?state=completed'))).toEqual([jobs.completed]);
    expect(ids(await list('?state=queued'))).toEqual([jobs.queuedEmail]);
    expect(ids(await list('?state=running'))).toEqual([jobs.running]);
    expect(ids(await list('?state=failed'))).toEqual([]);
    expect(ids(await list('?type=sendEmail'))).toEqual([jobs.queuedEmail]);
    expect(ids(await list('?type=processUpload&state=completed'))).toEqual([jobs.completed]);
    const { createdAt } = (await list('?state=completed')).items[0]!;
    const after = await list(`?createdAfter=${encodeURIComponent(createdAt)}`);
    expect(ids(after)).toEqual([jobs.queuedEmail, jobs.running, jobs.deadLettered]);
    const offset = new Date(Date.parse(createdAt) - 3_600_000).toISOString().replace('Z', '+00:00');
    expect(ids(await list(`?createdAfter=${encodeURIComponent(offset)}`))).toHaveLength(4);
  });

  it('pages with a stable cursor, one job a page, each once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: JobListPage = await list(`?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(1);
      seen.push(...ids(page));
      cursor = page.nextCursor;
      expect(seen.length).toBeLessThan(10);
    } while (cursor);
    expect(seen).toEqual([jobs.queuedEmail, jobs.running, jobs.deadLettered, jobs.completed]);
    const firstTwo = await list('?limit=2');
    expect(ids(firstTwo)).toEqual(seen.slice(0, 2));
    expect(ids(await list(`?limit=2&cursor=${firstTwo.nextCursor}`))).toEqual(seen.slice(2));
    // A cursor belongs to its filters.
    const other = await get(`/jobs?limit=2&type=processUpload&cursor=${firstTwo.nextCursor}`);
    expect(other.statusCode).toBe(400);
    expect(other.json()).toMatchObject({ field: 'cursor' });
  });

  it.each([
    ['state=retrying', 'state'],
    ['state=nope', 'state'],
    ['type=processUpload%22%20OR%20WorkflowType%20!%3D%20%22x', 'type'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=ten', 'limit'],
    ['createdAfter=yesterday', 'createdAfter'],
    ['createdAfter=2026-13-45T99:00:00Z', 'createdAfter'],
    ['createdAfter=2026-11-30T08:00:00Z%22%20OR%20%22a', 'createdAfter'],
    ['cursor=not%20a%20cursor', 'cursor'],
    ['cursor=AAAA', 'cursor'],
    ['cursor=AAAA.AAAAAAAAAAAAAAAA', 'cursor'],
    ['sort=asc', 'sort'],
  ])('answers 400 naming the field for %s', async (query, field) => {
    const response = await get(`/jobs?${query}`);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', field, location: 'querystring' });
  });

  it('cancels a running upload: its analysis is marked incomplete, no dead letter, state cancelled', async () => {
    const response = await harness.app.inject({ method: 'POST', url: `/jobs/${jobs.running}/cancel` });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({
      status: 'cancelling',
      jobId: jobs.running,
      statusUrl: `/jobs/${jobs.running}`,
    });
    expect(response.headers.location).toBe(`/jobs/${jobs.running}`);
    await harness.waitForJob(jobs.running);

    const status = await harness.status(jobs.running);
    expect(status).toMatchObject({ state: 'cancelled', stage: 'cancelled', error: 'Job was cancelled' });
    const description = await harness.env.client.workflow.getHandle(jobs.running).describe();
    expect(description.status.name).toBe('CANCELLED');
    expect(description.typedSearchAttributes.get(JOB_STATE_SEARCH_ATTRIBUTE)).toBe('cancelled');
    const analyses = await harness.testApp.services.fileAnalyses.listForFile(runningFileId);
    expect(analyses.map(({ status: analysis }) => analysis)).toEqual(['incomplete']);
    const deadLetters = await harness.testApp.services.deadLetters.list({ limit: 100 });
    expect(deadLetters.items.map((entry) => entry.jobId)).not.toContain(jobs.running);
    const cancelled = await listUntil('?state=cancelled', (page) => page.items.length > 0);
    expect(ids(cancelled)).toEqual([jobs.running]);
  });

  it('answers 409 for a finished job, saying how it ended, and 404 for an unknown one', async () => {
    const finished = await harness.app.inject({ method: 'POST', url: `/jobs/${jobs.completed}/cancel` });
    expect(finished.statusCode).toBe(409);
    expect(finished.json()).toMatchObject({ code: 'CONFLICT', jobId: jobs.completed, state: 'completed' });
    const unknown = await harness.app.inject({ method: 'POST', url: '/jobs/upload-no-such-job/cancel' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'NOT_FOUND', jobId: 'upload-no-such-job' });
  });
  it('lists a delayed job as scheduled, and not as running', async () => {
    const email = { to: 'later.person@example.com', template: 'welcome', params: { name: 'L' } };
    const { jobId } = await startJob(harness.env.client, sendEmail, email, {
      taskQueue: IDLE_QUEUE,
      startDelayMs: 3_600_000,
    });
    const scheduled = await listUntil('?state=scheduled', (page) => page.items.length > 0);
    expect(ids(scheduled)).toEqual([jobId]);
    expect(scheduled.items[0]!.state).toBe('scheduled');
    const running = await list('?state=running');
    expect(ids(running)).not.toContain(jobId);
    await harness.env.client.workflow.getHandle(jobId).terminate('test over');
  });
});
