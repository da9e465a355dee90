import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { SEARCH_ATTRIBUTES } from '../../src/contracts';
import { bundleWorkflows, createLocalEnv } from '../helpers/temporal-env';
import { greetFromActivity } from '../fixtures/foundation-workflows';

describe('local dev server environment', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await createLocalEnv();
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('runs a workflow and its activity on a real worker', async () => {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'dev-server-proof',
      workflowBundle: await bundleWorkflows(require.resolve('../fixtures/foundation-workflows')),
      activities: { greet: async (name: string) => `Hello, ${name}!` },
    });

    const result = await worker.runUntil(
      env.client.workflow.execute(greetFromActivity, {
        taskQueue: 'dev-server-proof',
        workflowId: 'greet-on-dev-server',
        args: ['Ada'],
      }),
    );

    expect(result).toEqual({ greeting: 'Hello, Ada!', workflowId: 'greet-on-dev-server' });
    const description = await env.client.workflow.getHandle('greet-on-dev-server').describe();
    expect(description.status.name).toBe('COMPLETED');
  });

  it('registers the job search attributes', async () => {
    const response = await env.client.connection.operatorService.listSearchAttributes({
      namespace: 'default',
    });
    for (const key of SEARCH_ATTRIBUTES) {
      expect(Object.keys(response.customAttributes)).toContain(key.name);
    }
  });
});
