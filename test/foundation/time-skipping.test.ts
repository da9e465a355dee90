import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { bundleWorkflows, createTimeSkippingEnv } from '../helpers/temporal-env';
import { waitOneDay } from '../fixtures/foundation-workflows';

const ONE_DAY_MS = 24 * 60 * 60 * 1000;

describe('time-skipping test environment', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('runs a workflow with a 1-day timer without waiting a day', async () => {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'time-skipping-proof',
      workflowBundle: await bundleWorkflows(require.resolve('../fixtures/foundation-workflows')),
    });

    const wallStart = performance.now();
    const result = await worker.runUntil(
      env.client.workflow.execute(waitOneDay, {
        taskQueue: 'time-skipping-proof',
        workflowId: 'one-day-timer',
      }),
    );
    const wallElapsedMs = performance.now() - wallStart;

    expect(result.finishedAt - result.startedAt).toBeGreaterThanOrEqual(ONE_DAY_MS);
    // Proof that time was skipped, not a speed goal: a real day could never pass in this window.
    expect(wallElapsedMs).toBeLessThan(5_000);
  });
});
