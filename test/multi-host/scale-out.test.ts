// The scale-out scenario on real parts: two API processes and two worker processes, each a "host"
// with its own DATA_DIR and port, sharing PostgreSQL, an S3 bucket, the webhook secret, an SMTP
// server and the two-node Temporal cluster (through its load balancer). Hosts and nodes are killed.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { SIGNATURE_HEADER, verifyWebhookSignature } from '../../src/webhooks/signature';
import { TestDatabases } from '../helpers/postgres-database';
import { TestBucket } from '../helpers/s3';
import { TestSmtpServer } from '../helpers/smtp-test-server';
import { WebhookReceiver } from '../helpers/webhook-receiver';
import { ApiClient, inParallel, ReadinessWatch, type ApiResponse } from './helpers/api-client';
import { multiHost, killTemporalNode, restartTemporalNode, temporalNodes } from './helpers/environment';
import { ServiceProcess, type ServiceKind, type SharedSettings } from './helpers/service-processes';

const env = multiHost();
const run = randomUUID().slice(0, 8);
const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts', 'scale-out');
const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');

const databases = new TestDatabases(env.databaseUrl);
let rootDir: string;
let bucket: TestBucket;
let smtp: TestSmtpServer;
let receiver: WebhookReceiver;
let shared: SharedSettings;
const hosts = new Map<string, ServiceProcess>();
let apiA: ApiClient;
let apiB: ApiClient;
const figures: Record<string, unknown> = {};

async function startHost(kind: ServiceKind, name: string): Promise<ServiceProcess> {
  const host = await ServiceProcess.start(kind, name, rootDir, shared);
  hosts.set(name, host);
  return host;
}

function host(name: string): ServiceProcess {
  const found = hosts.get(name);
  if (!found) throw new Error(`no host ${name}`);
  return found;
}

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
}

const mailsTo = (prefix: string) =>
  smtp.received.filter((mail) => mail.recipients.some((address) => address.startsWith(prefix)));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

/** The identity (`pid@host`) of the worker running the job's pending `activityType`. */
async function activityWorkerIdentity(jobId: string, activityType: string): Promise<string> {
  const connection = await Connection.connect({ address: env.temporalAddress });
  try {
    const client = new Client({ connection, namespace: env.namespace });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { raw } = await client.workflow.getHandle(jobId).describe();
      const pending = raw.pendingActivities?.find((activity) => activity.activityType?.name === activityType);
      if (pending?.lastWorkerIdentity) return pending.lastWorkerIdentity;
      if (Date.now() > deadline) throw new Error(`${jobId}: no worker runs ${activityType}`);
      await sleep(200);
    }
  } finally {
    await connection.close();
  }
}

/** How many of `jobIds` the host's log says it delivered an e-mail for. */
function deliveriesLogged(worker: ServiceProcess, jobIds: Set<string>): number {
  return worker
    .logEntries()
    .filter((entry) => entry.msg === 'e-mail delivered' && jobIds.has(entry.jobId as string)).length;
}

/** Which of `jobIds` the API host's outbox relay started, one entry per start. */
function relayedBy(api: ServiceProcess, jobIds: string[]): string[] {
  return api
    .logEntries()
    .filter((entry) => entry.msg === 'outbox job started' && jobIds.includes(entry.jobId as string))
    .map((entry) => entry.jobId as string);
}

const stateOrReason = (outcome: PromiseSettledResult<{ state: string }>) =>
  outcome.status === 'fulfilled' ? outcome.value.state : String(outcome.reason);

function sendEmail(api: ApiClient, to: string): Promise<ApiResponse> {
  return api.post('/emails', { to, template: 'welcome', params: { name: 'Scale' } });
}

/** The job id of a 202, or a failure quoting what the API said instead. */
function acceptedJobId(response: ApiResponse, what: string): string {
  if (response.status !== 202)
    throw new Error(`${what}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.jobId as string;
}

beforeAll(async () => {
  rootDir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-scale-out-'));
  bucket = await TestBucket.create('uploads/');
  smtp = await TestSmtpServer.start();
  receiver = await new WebhookReceiver().start();
  shared = {
    databaseUrl: await databases.create(),
    objectStore: bucket.settings,
    webhookSecret: `scale-out-secret-${run}`,
    webhookAllowedHosts: [receiver.allowedHost],
    smtpUrl: smtp.url,
    temporalAddress: env.temporalAddress,
    namespace: env.namespace,
  };
  // Both workers start together: each registers the search attributes the cluster lacks.
  // All settled before failing, so that afterAll stops every host that did start.
  const starts = await Promise.allSettled([
    startHost('worker', 'worker-a'),
    startHost('worker', 'worker-b'),
    startHost('api', 'api-a'),
    startHost('api', 'api-b'),
  ]);
  for (const start of starts) if (start.status === 'rejected') throw start.reason;
  apiA = new ApiClient('api-a', host('api-a').url);
  apiB = new ApiClient('api-b', host('api-b').url);
}, 240_000);

afterAll(async () => {
  await Promise.all([...hosts.values()].map((service) => service.stop()));
  const down = (await temporalNodes().catch(() => [])).filter((node) => !node.running);
  for (const node of down) await restartTemporalNode(node.index);
  await smtp?.stop();
  await receiver?.stop();
  await bucket?.destroy();
  await databases.dropAll();
  if (rootDir) {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    for (const [name, service] of hosts)
      fs.copyFileSync(service.logFile, path.join(ARTIFACTS, `${name}.log`));
    fs.writeFileSync(path.join(ARTIFACTS, 'figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
    fs.rmSync(rootDir, { recursive: true, force: true });
  }
}, 120_000);

describe('two APIs and two workers sharing PostgreSQL, S3 and the Temporal cluster', () => {
  let uploadJobId: string;

  it('analyses a file uploaded on API A and started on API B; the file lives only in the bucket', async () => {
    const content = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(3 * 1024 * 1024)]);
    const upload = await apiA.post('/files', content);
    expect(upload.status).toBe(201);
    const { fileId } = upload.body as { fileId: string };

    const started = await apiB.post('/upload', { fileId, notifyUrl: receiver.url });
    uploadJobId = acceptedJobId(started, 'POST /upload on B');

    const status = await apiA.waitForJob(uploadJobId);
    expect(status.state).toBe('completed');
    expect(status.result).toMatchObject({ fileId, size: content.length, sha256: sha256(content) });
    expect(await bucket.keys()).toContain(`uploads/${fileId}`);
    for (const service of hosts.values())
      expect([service.name, filesUnder(service.dataDir)]).toEqual([service.name, []]);
  });

  it('delivers exactly one webhook for that job, signed with the shared secret', async () => {
    const deliveries = receiver.deliveriesFor(uploadJobId);
    expect(deliveries).toHaveLength(1);
    const [delivery] = deliveries;
    const signature = delivery!.headers[SIGNATURE_HEADER] as string;
    expect(verifyWebhookSignature(shared.webhookSecret, signature, delivery!.body)).toEqual({ valid: true });
    expect(verifyWebhookSignature('another-secret', signature, delivery!.body)).toMatchObject({
      valid: false,
    });
    expect(JSON.parse(delivery!.body)).toMatchObject({ event: 'upload.processed', jobId: uploadJobId });
  });

  it('refuses on API B an address that signed up on API A, whatever its case', async () => {
    const email = `Scale.Out.${run}@Example.com`;
    const first = await apiA.post('/signup', { email, name: 'Scale Out' });
    expect(first.status).toBe(201);
    const second = await apiB.post('/signup', { email: email.toLowerCase(), name: 'Scale Out' });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'CONFLICT', field: 'email' });
  });

  it('lists a dead letter through both APIs and redrives it through the other one', async () => {
    receiver.answer([], 410);
    const upload = await apiB.post('/files', Buffer.from(`%PDF-1.7\nrejected by its webhook ${run}\n`));
    expect(upload.status).toBe(201);
    const failedJobId = acceptedJobId(
      await apiA.post('/upload', { fileId: upload.body.fileId, notifyUrl: receiver.url }),
      'POST /upload on A',
    );
    expect((await apiB.waitForJob(failedJobId)).state).toBe('dead_lettered');
    receiver.answer([], 200);

    const listed = await Promise.all(
      [apiA, apiB].map((api) => api.get('/dead-letters?jobType=processUpload&limit=100')),
    );
    const entries = listed.map((response) => {
      expect(response.status).toBe(200);
      return (response.body.items as { id: string; jobId: string }[]).find(
        (item) => item.jobId === failedJobId,
      );
    });
    expect(entries[0]).toEqual({ ...entries[0], jobId: failedJobId, id: expect.any(String) });
    expect(entries[1]).toEqual(entries[0]);
    const deadLetterId = entries[0]!.id;

    const redrive = await apiB.post(`/dead-letters/${deadLetterId}/redrive`);
    const redrivenJobId = acceptedJobId(redrive, 'redrive on B');
    expect(redrivenJobId).not.toBe(failedJobId);
    expect((await apiA.waitForJob(redrivenJobId)).state).toBe('completed');
    expect(receiver.deliveriesFor(redrivenJobId)).toHaveLength(1);
    expect((await apiA.get(`/dead-letters/${deadLetterId}`)).body).toMatchObject({
      status: 'redriven',
      redrivenJobId,
    });
    expect((await apiA.post(`/dead-letters/${deadLetterId}/redrive`)).status).toBe(409);
  });

  it('measures starts/s through the APIs and end-to-end jobs/s (100 e-mails, 16 in flight)', async () => {
    const count = 100;
    const began = performance.now();
    const outcomes = await inParallel(count, 16, async (i) =>
      acceptedJobId(
        await sendEmail(i % 2 === 0 ? apiA : apiB, `load-${run}-${i}@example.com`),
        `e-mail ${i}`,
      ),
    );
    const startSeconds = (performance.now() - began) / 1000;
    const jobIds = outcomes.map((outcome) => {
      if (outcome.status === 'rejected') throw outcome.reason;
      return outcome.value;
    });
    const finished = await inParallel(count, 8, (i) => apiA.waitForJob(jobIds[i]!, 180_000));
    const totalSeconds = (performance.now() - began) / 1000;
    expect(finished.map(stateOrReason)).toEqual(Array(count).fill('completed'));
    expect(mailsTo(`load-${run}-`)).toHaveLength(count);
    // Both workers took a share of the queue.
    const deliveredBy = Object.fromEntries(
      ['worker-a', 'worker-b'].map((name) => [name, deliveriesLogged(host(name), new Set(jobIds))]),
    );
    for (const delivered of Object.values(deliveredBy)) expect(delivered).toBeGreaterThan(0);
    expect(deliveredBy['worker-a']! + deliveredBy['worker-b']!).toBeGreaterThanOrEqual(count);
    figures.load = {
      jobs: count,
      inFlight: 16,
      startSeconds: Number(startSeconds.toFixed(2)),
      startsPerSecond: Number((count / startSeconds).toFixed(1)),
      endToEndSeconds: Number(totalSeconds.toFixed(2)),
      jobsPerSecond: Number((count / totalSeconds).toFixed(1)),
      deliveredBy,
    };
    console.log(`scale-out load: ${JSON.stringify(figures.load)}`);
  });

  it('completes 10 new e-mail jobs on the surviving worker when the other is SIGKILLed', async () => {
    await host('worker-a').kill();
    const jobIds = [];
    for (let i = 0; i < 10; i += 1) {
      const api = i % 2 === 0 ? apiA : apiB;
      jobIds.push(acceptedJobId(await sendEmail(api, `survivor-${run}-${i}@example.com`), `e-mail ${i}`));
    }
    const states = await Promise.all(jobIds.map(async (jobId) => (await apiB.waitForJob(jobId)).state));
    expect(states).toEqual(Array(10).fill('completed'));
    expect(mailsTo(`survivor-${run}-`)).toHaveLength(10);
    expect(deliveriesLogged(host('worker-b'), new Set(jobIds))).toBe(10);
    expect(host('worker-a').running).toBe(false);

    // The next scenario wants both workers again.
    await startHost('worker', 'worker-a');
  });

  it('finishes on the other worker a job whose worker is SIGKILLed in the middle of it', async () => {
    receiver.hold(1);
    const upload = await apiA.post('/files', Buffer.from(`%PDF-1.7\nheld webhook ${run}\n`));
    const jobId = acceptedJobId(
      await apiB.post('/upload', { fileId: upload.body.fileId, notifyUrl: receiver.url }),
      'POST /upload on B',
    );
    await waitFor(() => receiver.deliveriesFor(jobId).length === 1, 60_000, 'the held webhook request');
    const identity = await activityWorkerIdentity(jobId, 'notifyWebhook');
    const victim = ['worker-a', 'worker-b'].find((name) => identity.startsWith(`${host(name).pid}@`));
    if (!victim) throw new Error(`no worker of ours is ${identity}`);
    await host(victim).kill();
    const killedAt = Date.now();

    // The activity's start-to-close timeout (30 s) passes, then the survivor retries it.
    const status = await apiA.waitForJob(jobId, 120_000);
    expect(status.state).toBe('completed');
    expect(status.result).toMatchObject({ notified: { webhook: true } });
    const deliveries = receiver.deliveriesFor(jobId);
    expect(deliveries).toHaveLength(2);
    expect(
      verifyWebhookSignature(
        shared.webhookSecret,
        deliveries[1]!.headers[SIGNATURE_HEADER] as string,
        deliveries[1]!.body,
      ),
    ).toEqual({ valid: true });
    figures.workerLossMidJob = {
      killed: victim,
      secondsUntilCompleted: Number(((Date.now() - killedAt) / 1000).toFixed(1)),
    };
    console.log(`scale-out worker loss mid-job: ${JSON.stringify(figures.workerLossMidJob)}`);

    await startHost('worker', victim);
  });

  it('completes every accepted job when a Temporal node is SIGKILLed mid-load; /readyz recovers fast', async () => {
    const count = 40;
    const began = performance.now();
    const watches = [apiA, apiB].map((api) => new ReadinessWatch(api, 250));
    // Jobs 0-9 go in while both nodes serve; job 10 waits for the kill, the others keep coming.
    let killed: Promise<unknown> | undefined;
    let nodeDown = false;
    let sentAfterKill = 0;
    const outcomes = await inParallel(count, 8, async (i) => {
      if (i === 10) {
        killed = killTemporalNode(0).then(() => (nodeDown = true));
        await killed;
      }
      if (nodeDown) sentAfterKill += 1;
      return await sendEmail(i % 2 === 0 ? apiA : apiB, `node-loss-${run}-${i}@example.com`);
    });
    expect((await temporalNodes()).map((node) => node.running)).toEqual([false, true]);

    const responses = outcomes.map((outcome) =>
      outcome.status === 'fulfilled' ? outcome.value : { status: 0, body: String(outcome.reason) },
    );
    const accepted = responses.filter((response) => response.status === 202);
    const refused = responses.filter((response) => response.status !== 202);
    // Anything refused must be a clear, retryable answer, never a 500 or a dropped connection.
    for (const response of refused)
      expect(response).toMatchObject({ status: 503, body: { code: expect.any(String) } });
    expect(refused.length).toBeLessThanOrEqual(count / 4);
    expect(sentAfterKill).toBeGreaterThan(0);

    const finished = await inParallel(accepted.length, 8, (i) =>
      apiB.waitForJob(accepted[i]!.body.jobId as string, 180_000),
    );
    const readiness = await Promise.all(watches.map((watch) => watch.stop()));
    expect(finished.map(stateOrReason)).toEqual(Array(accepted.length).fill('completed'));
    // A message may be offered twice around a node loss (at-least-once), but every job's arrived.
    const recipients = new Set(mailsTo(`node-loss-${run}-`).flatMap((mail) => mail.recipients));
    expect(recipients.size).toBe(accepted.length);
    figures.nodeLoss = {
      jobs: count,
      sentAfterKill,
      accepted: accepted.length,
      refused: refused.length,
      secondsUntilAllCompleted: Number(((performance.now() - began) / 1000).toFixed(1)),
      readiness,
    };
    console.log(`scale-out node loss: ${JSON.stringify(figures.nodeLoss)}`);
    for (const watch of readiness) expect(watch.longestNotReadyMs).toBeLessThan(10_000);

    await restartTemporalNode(0);
    expect((await temporalNodes()).map((node) => node.running)).toEqual([true, true]);
  });

  it('takes signups on both APIs while the whole cluster is down; the relays start each welcome e-mail once', async () => {
    for (const node of [0, 1]) await killTemporalNode(node);
    const addresses = Array.from({ length: 6 }, (_, i) => `outage-${run}-${i}@example.com`);
    const signups = await Promise.all(
      addresses.map((email, i) => (i % 2 === 0 ? apiA : apiB).post('/signup', { email, name: 'Outage' })),
    );
    expect(signups.map((response) => response.status)).toEqual(Array(addresses.length).fill(201));
    const readyz = await Promise.all([apiA, apiB].map((api) => api.get('/readyz')));
    expect(readyz.map((response) => response.status)).toEqual([503, 503]);

    const restarting = performance.now();
    for (const node of [0, 1]) await restartTemporalNode(node);
    const restartSeconds = (performance.now() - restarting) / 1000;
    const jobIds = signups.map((response) => response.body.welcomeEmailJobId as string);
    const finished = await inParallel(jobIds.length, 6, (i) => apiA.waitForJob(jobIds[i]!, 180_000));
    expect(finished.map(stateOrReason)).toEqual(Array(jobIds.length).fill('completed'));
    const received = mailsTo(`outage-${run}-`).flatMap((mail) => mail.recipients);
    expect(received.sort()).toEqual([...addresses].sort());
    // Both relays polled the same outbox; each entry was started by exactly one of them.
    const relayed = ['api-a', 'api-b'].flatMap((name) => relayedBy(host(name), jobIds));
    expect(relayed.sort()).toEqual([...jobIds].sort());
    figures.clusterOutage = {
      signups: addresses.length,
      restartSeconds: Number(restartSeconds.toFixed(1)),
      secondsFromRestartToAllCompleted: Number(((performance.now() - restarting) / 1000).toFixed(1)),
      startedBy: Object.fromEntries(
        ['api-a', 'api-b'].map((name) => [name, relayedBy(host(name), jobIds).length]),
      ),
    };
    console.log(`scale-out cluster outage: ${JSON.stringify(figures.clusterOutage)}`);
  });
});
