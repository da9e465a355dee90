// A job start's `priority` becomes Temporal's priority key on the workflow, which its steps
// inherit; out of range is a 400 naming the field. On the dev server, which keeps priorities.
import { JobsHarness } from '../helpers/jobs-harness';
import { createLocalEnv } from '../helpers/temporal-env';

describe('job priority', () => {
  let harness: JobsHarness;

  beforeAll(async () => {
    harness = await JobsHarness.start({ createEnv: () => createLocalEnv() });
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it('starts the workflow with the priority key asked for', async () => {
    const { fileId } = await harness.uploadFile('urgent\n', 'text/csv');
    const urgent = await harness.startProcessing({ fileId, priority: 1 });
    const ordinary = await harness.startProcessing({ fileId });
    const keyOf = async (jobId: string) =>
      (await harness.env.client.workflow.getHandle(jobId).describe()).raw.workflowExecutionInfo?.priority
        ?.priorityKey ?? 0;
    expect(await keyOf(urgent)).toBe(1);
    // No key: the server's default (3) applies.
    expect(await keyOf(ordinary)).toBe(0);
    await harness.waitForJob(urgent);
    expect((await harness.status(urgent)).state).toBe('completed');
  });

  it.each([0, 6, 2.5])('refuses priority %p with a 400 naming it', async (priority) => {
    const response = await harness.app.inject({
      method: 'POST',
      url: '/emails',
      payload: { to: 'ann@example.com', template: 'welcome', params: { name: 'Ann' }, priority },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'priority' });
  });
});
