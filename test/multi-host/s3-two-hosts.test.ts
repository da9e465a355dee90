import fs from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createHash, randomBytes } from 'node:crypto';
import { createJobsWorker, WORKFLOWS_PATH } from '../../src/worker';
import { createTestApp, type TestApp } from '../helpers/app';
import { TestDatabases } from '../helpers/postgres-database';
import { TestBucket } from '../helpers/s3';
import { bundleWorkflows, createTimeSkippingEnv } from '../helpers/temporal-env';

const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');

// Host A runs only the API, host B only the worker; they share PostgreSQL and the bucket, no disk.
describe('two hosts sharing PostgreSQL and an S3 bucket', () => {
  const databases = new TestDatabases();
  let bucket: TestBucket | undefined;
  let env: TestWorkflowEnvironment | undefined;
  let apiHost: TestApp | undefined;
  let workerHost: TestApp | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;

  beforeAll(async () => {
    bucket = await TestBucket.create('uploads/');
    const shared = {
      databaseUrl: await databases.create(),
      webhookSecret: 'shared-secret',
      objectStore: bucket.settings,
    };
    env = await createTimeSkippingEnv();
    apiHost = await createTestApp(env.client, shared);
    workerHost = await createTestApp(env.client, shared);
    worker = await createJobsWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      workflowBundle: await bundleWorkflows(WORKFLOWS_PATH),
      dependencies: {
        config: workerHost.config,
        temporal: env.client,
        ...workerHost.services,
      },
    });
    running = worker.run();
  });

  afterAll(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    await apiHost?.close();
    await workerHost?.close();
    await env?.teardown();
    await bucket?.destroy();
    await databases.dropAll();
  });

  it('analyses on the worker host a file uploaded to the API host', async () => {
    const content = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(7 * 1024 * 1024)]);
    const upload = await apiHost!.app.inject({
      method: 'POST',
      url: '/files',
      payload: content,
      headers: { 'content-type': 'application/pdf' },
    });
    expect(upload.statusCode).toBe(201);
    const { fileId } = upload.json();
    const started = await apiHost!.app.inject({ method: 'POST', url: '/upload', payload: { fileId } });
    expect(started.statusCode).toBe(202);
    const { jobId } = started.json();
    await env!.client.workflow
      .getHandle(jobId)
      .result()
      .catch(() => undefined);

    const status = (await workerHost!.app.inject({ method: 'GET', url: `/jobs/${jobId}` })).json();
    expect(status).toMatchObject({ state: 'completed', attempts: 1 });
    expect(status.result).toMatchObject({
      fileId,
      size: content.length,
      sha256: sha256(content),
      mimeType: 'application/pdf',
    });
    expect(await bucket!.keys()).toEqual([`uploads/${fileId}`]);
    for (const host of [apiHost!, workerHost!]) {
      expect(fs.existsSync(path.join(host.config.dataDir, 'files'))).toBe(false);
    }
  });
});
