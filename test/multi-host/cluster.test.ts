// Proves the multi-host environment is real: a two-node Temporal cluster behind the load balancer
// (workflows, visibility, a node SIGKILLed under load), versitygw and PostgreSQL.
import crypto from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { Client as PgClient } from 'pg';
import { JOB_STATE_SEARCH_ATTRIBUTE, JOB_TYPE_SEARCH_ATTRIBUTE } from '../../src/contracts';
import { ensureSearchAttributes } from '../../src/temporal/search-attributes';
import { bundleWorkflows } from '../helpers/temporal-env';
import * as activities from './activities';
import { inParallel } from './helpers/api-client';
import { killTemporalNode, multiHost, restartTemporalNode, temporalNodes } from './helpers/environment';
import { echo, greet } from './workflows';

const env = multiHost();
const run = crypto.randomUUID().slice(0, 8);
const taskQueue = `cluster-test-${run}`;

let connection: Connection;
let client: Client;
let workerConnection: NativeConnection;
let worker: Worker;
let workerRunning: Promise<void>;

const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);

const fulfilled = <T>(outcomes: PromiseSettledResult<T>[]) =>
  outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
const rejected = <T>(outcomes: PromiseSettledResult<T>[]) =>
  outcomes.flatMap((o) => (o.status === 'rejected' ? [String(o.reason)] : []));

function startEcho(id: string, value: number): Promise<WorkflowHandle<typeof echo>> {
  return client.workflow.start(echo, { args: [value], taskQueue, workflowId: `${run}-${id}-${value}` });
}

beforeAll(async () => {
  connection = await Connection.connect({ address: env.temporalAddress });
  client = new Client({ connection, namespace: env.namespace });
  workerConnection = await NativeConnection.connect({ address: env.temporalAddress });
  worker = await Worker.create({
    connection: workerConnection,
    namespace: env.namespace,
    taskQueue,
    workflowBundle: await bundleWorkflows(require.resolve('./workflows')),
    activities,
  });
  workerRunning = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await workerRunning;
  await workerConnection?.close();
  await connection?.close();
});

describe('the Temporal cluster behind the load balancer', () => {
  it('has two nodes, each serving', async () => {
    const nodes = await temporalNodes();
    expect(nodes.map((node) => node.running)).toEqual([true, true]);
    for (const address of env.nodeAddresses) {
      const direct = await Connection.connect({ address });
      const info = await direct.workflowService.getSystemInfo({});
      expect(info.serverVersion).toBe('1.32.2');
      await direct.close();
    }
  });

  it('runs a workflow and its activity', async () => {
    const result = await client.workflow.execute(greet, {
      args: ['cluster'],
      taskQueue,
      workflowId: `${run}-greet`,
    });
    expect(result).toBe('hello, cluster');
  });

  it("finds workflows by the project's search attributes once they are registered", async () => {
    await ensureSearchAttributes(connection.operatorService, env.namespace);
    const jobType = `cluster-check-${run}`;
    const handle = await client.workflow.start(echo, {
      args: [7],
      taskQueue,
      workflowId: `${run}-searchable`,
      typedSearchAttributes: new TypedSearchAttributes([
        { key: JOB_TYPE_SEARCH_ATTRIBUTE, value: jobType },
        { key: JOB_STATE_SEARCH_ATTRIBUTE, value: 'queued' },
      ]),
    });
    expect(await handle.result()).toBe(7);
    // Visibility records are written after the fact: poll briefly.
    const query = `JobType = "${jobType}" AND JobState = "queued"`;
    const deadline = Date.now() + 30_000;
    let ids: string[] = [];
    while (ids.length === 0 && Date.now() < deadline) {
      ids = [];
      for await (const execution of client.workflow.list({ query })) ids.push(execution.workflowId);
      if (ids.length === 0) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(ids).toEqual([`${run}-searchable`]);
    expect((await client.workflow.count(query)).count).toBe(1);
  });

  it('completes every accepted workflow when a node is SIGKILLed mid-load', async () => {
    const count = 50;
    const started = performance.now();
    let killed: Promise<unknown> | undefined;
    const outcomes = await inParallel(count, 8, async (i) => {
      if (i === 10) killed = killTemporalNode(1);
      return await startEcho('failover', i);
    });
    await killed;
    expect((await temporalNodes()).map((node) => node.running)).toEqual([true, false]);
    const accepted = fulfilled(outcomes);
    expect(rejected(outcomes)).toEqual([]);
    const results = await Promise.all(accepted.map((handle) => handle.result()));
    expect(results).toEqual(Array.from({ length: count }, (_, i) => i));
    console.log(
      `node 1 SIGKILLed after 10 of ${count} starts: ${accepted.length} accepted, ` +
        `all completed ${seconds(started)} s after the first start`,
    );
  });

  it('takes the killed node back', async () => {
    const started = performance.now();
    await restartTemporalNode(1);
    const rejoined = seconds(started);
    expect((await temporalNodes()).map((node) => node.running)).toEqual([true, true]);
    const direct = await Connection.connect({ address: env.nodeAddresses[1]! });
    const viaNode1 = new Client({ connection: direct, namespace: env.namespace });
    const result = await viaNode1.workflow.execute(echo, {
      args: [99],
      taskQueue,
      workflowId: `${run}-node-1`,
    });
    await direct.close();
    expect(result).toBe(99);
    console.log(
      `node 1 serving again after ${rejoined} s; a workflow through it completed after ${seconds(started)} s`,
    );
  });

  it('takes hundreds of starts with 32 in flight (measured)', async () => {
    const count = 500;
    const started = performance.now();
    const outcomes = await inParallel(count, 32, (i) => startEcho('load', i));
    const seconds = (performance.now() - started) / 1000;
    expect(rejected(outcomes)).toEqual([]);
    const results = await Promise.all(fulfilled(outcomes).map((handle) => handle.result()));
    const allDone = (performance.now() - started) / 1000;
    expect(results).toEqual(Array.from({ length: count }, (_, i) => i));
    console.log(
      `${count} starts through the load balancer, 32 in flight: ${seconds.toFixed(1)} s, ` +
        `${(count / seconds).toFixed(0)} starts/s; all completed after ${allDone.toFixed(1)} s`,
    );
  });
});

describe('the object store (versitygw)', () => {
  it('stores and returns an object in a fresh bucket', async () => {
    const s3 = new S3Client({
      endpoint: env.s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: env.s3.accessKey, secretAccessKey: env.s3.secretKey },
    });
    const Bucket = `cluster-test-${run}`;
    const body = crypto.randomBytes(64 * 1024);
    await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'dir/object.bin', Body: body }));
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'dir/object.bin' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
    s3.destroy();
  });
});

describe('PostgreSQL', () => {
  it('answers queries in a fresh database', async () => {
    const admin = new PgClient({ connectionString: env.databaseUrl });
    await admin.connect();
    const { rows } = await admin.query<{ server_version: string }>('SHOW server_version');
    expect(rows[0]!.server_version).toMatch(/^15\./);
    const database = `cluster_test_${run}`;
    await admin.query(`CREATE DATABASE ${database}`);
    const url = new URL(env.databaseUrl);
    url.pathname = `/${database}`;
    const db = new PgClient({ connectionString: url.toString() });
    await db.connect();
    await db.query('CREATE TABLE notes (id serial PRIMARY KEY, text text NOT NULL)');
    await db.query('INSERT INTO notes (text) VALUES ($1), ($2)', ['one', 'two']);
    const notes = await db.query<{ text: string }>('SELECT text FROM notes ORDER BY id');
    expect(notes.rows.map((row) => row.text)).toEqual(['one', 'two']);
    await db.end();
    await admin.query(`DROP DATABASE ${database}`);
    await admin.end();
  });
});
