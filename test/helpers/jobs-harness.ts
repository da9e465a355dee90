import type { ClientOptionsForTestEnv, TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import type { JobActivities } from '../../src/activities';
import type { Config } from '../../src/config';
import { createJobsWorker, WORKFLOWS_PATH } from '../../src/worker';
import type { JobStatus } from '../../src/jobs/job-status';
import { payloadDataConverter } from '../../src/temporal/data-converter';
import type { EncryptionKey } from '../../src/temporal/payload-codec';
import { createTestApp, type TestApp } from './app';
import { bundleWorkflows, createTimeSkippingEnv } from './temporal-env';
import { WebhookReceiver } from './webhook-receiver';
import type { AddressResolver } from '../../src/webhooks/destination-policy';

/** The test environment's client options: encrypting payloads as the service does with `keys`. */
export function clientOptionsFor(keys: readonly EncryptionKey[]): ClientOptionsForTestEnv {
  const dataConverter = payloadDataConverter(keys);
  return dataConverter ? { dataConverter } : {};
}

export interface JobsHarnessOptions {
  /**
   * Time-skipping by default; `createLocalEnv` where the real server's behaviour matters (with
   * `config.payloadEncryptionKeys`, give it `client: clientOptionsFor(keys)` too).
   */
  createEnv?: () => Promise<TestWorkflowEnvironment>;
  wrapActivities?: (activities: JobActivities) => JobActivities;
  config?: Partial<Config>;
  /** How webhook host names resolve, for API and worker alike; the system's resolver if not given. */
  resolver?: AddressResolver;
}

/**
 * The service as it runs, under time-skipping: the real API (through `inject`), the real worker
 * with the project's workflows and activities, real files and database in a temp folder.
 */
export class JobsHarness {
  private running?: Promise<void>;

  private constructor(
    readonly env: TestWorkflowEnvironment,
    readonly testApp: TestApp,
    readonly worker: Worker,
  ) {}

  static async start(options: JobsHarnessOptions = {}): Promise<JobsHarness> {
    const keys = options.config?.payloadEncryptionKeys ?? [];
    const env = await (options.createEnv
      ? options.createEnv()
      : createTimeSkippingEnv(clientOptionsFor(keys)));
    const testApp = await createTestApp(env.client, options.config, { resolver: options.resolver });
    const worker = await createJobsWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      workflowBundle: await bundleWorkflows(WORKFLOWS_PATH, keys.length > 0),
      dependencies: {
        config: testApp.config,
        temporal: env.client,
        ...testApp.services,
      },
      wrapActivities: options.wrapActivities,
    });
    const harness = new JobsHarness(env, testApp, worker);
    harness.running = worker.run();
    return harness;
  }

  get app() {
    return this.testApp.app;
  }

  async stop(): Promise<void> {
    if (this.worker.getState() === 'RUNNING') this.worker.shutdown();
    await this.running;
    await this.testApp.close();
    await this.env.teardown();
  }

  async uploadFile(
    content: Buffer | string,
    contentType = 'application/octet-stream',
  ): Promise<{ fileId: string; sha256: string }> {
    const response = await this.app.inject({
      method: 'POST',
      url: '/files',
      payload: content,
      headers: { 'content-type': contentType },
    });
    if (response.statusCode !== 201)
      throw new Error(`upload failed: ${response.statusCode} ${response.body}`);
    return response.json();
  }

  async startProcessing(
    body: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): Promise<string> {
    const response = await this.app.inject({ method: 'POST', url: '/upload', payload: body, headers });
    if (response.statusCode !== 202) throw new Error(`start failed: ${response.statusCode} ${response.body}`);
    return response.json().jobId;
  }

  /** Waits for the job to close; time skips while it waits. */
  async waitForJob(jobId: string): Promise<void> {
    await this.env.client.workflow
      .getHandle(jobId)
      .result()
      .catch(() => undefined);
  }

  async status(jobId: string): Promise<JobStatus> {
    const response = await this.app.inject({ method: 'GET', url: `/jobs/${jobId}` });
    if (response.statusCode !== 200)
      throw new Error(`status failed: ${response.statusCode} ${response.body}`);
    return response.json();
  }

  async history(jobId: string): Promise<temporal.api.history.v1.IHistoryEvent[]> {
    return (await this.env.client.workflow.getHandle(jobId).fetchHistory()).events ?? [];
  }
}

export interface UploadSuite {
  readonly harness: JobsHarness;
  readonly receiver: WebhookReceiver;
}

/**
 * One harness and one webhook receiver for a whole test file, started and stopped around it; the
 * receiver is the one exception in WEBHOOK_ALLOWED_HOSTS.
 */
export function useUploadSuite(options: JobsHarnessOptions = {}): UploadSuite {
  let harness: JobsHarness | undefined;
  let receiver: WebhookReceiver | undefined;
  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    harness = await JobsHarness.start({
      ...options,
      config: { webhookAllowedHosts: [receiver.allowedHost], ...options.config },
    });
  });
  afterAll(async () => {
    await receiver?.stop();
    await harness?.stop();
  });
  return {
    get harness() {
      if (!harness) throw new Error('the suite has not started');
      return harness;
    },
    get receiver() {
      if (!receiver) throw new Error('the suite has not started');
      return receiver;
    },
  };
}
