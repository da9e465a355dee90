// Temporal behind mutual TLS, configured only through TEMPORAL_TLS_* variables: the API's client
// and the worker process (its NativeConnection) both connect, the worker adds the job search
// attributes over that connection, and a job runs. A wrong CA or no client certificate fails
// with a reason that says so.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../../src/config';
import {
  checkTemporalReadiness,
  createTemporalClient,
  temporalConnectionOptions,
} from '../../src/temporal/client';
import { createTestApp, type TestApp } from '../helpers/app';
import { createCertificateAuthority, issueCertificate } from '../helpers/certificates';
import { createLocalEnv } from '../helpers/temporal-env';
import { TlsTerminatingProxy } from '../helpers/tls-proxy';

const ROOT = path.join(__dirname, '..', '..');
const SERVER_NAME = 'temporal.test';

describe('Temporal over mutual TLS', () => {
  let dir: string;
  let env: TestWorkflowEnvironment;
  let proxy: TlsTerminatingProxy;
  let tlsEnv: (overrides?: Record<string, string | undefined>) => Record<string, string | undefined>;
  let otherCa: { cert: string; key: string };
  const clients: Client[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-tls-'));
    const ca = createCertificateAuthority(dir, 'test-ca');
    otherCa = createCertificateAuthority(dir, 'other-ca');
    const server = issueCertificate(dir, ca, 'temporal-server', { server: SERVER_NAME });
    const client = issueCertificate(dir, ca, 'durable-jobs-client', 'client');
    // Like a fresh cluster: the worker has to add the job search attributes itself.
    env = await createLocalEnv({ searchAttributes: false });
    proxy = new TlsTerminatingProxy({
      backend: env.address.replace(/^localhost:/, '127.0.0.1:'),
      cert: server.cert,
      key: server.key,
      clientCa: ca.cert,
    });
    const address = await proxy.start();
    tlsEnv = (overrides = {}) => ({
      TEMPORAL_ADDRESS: address,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca.cert,
      TEMPORAL_TLS_CLIENT_CERT_PATH: client.cert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: client.key,
      // The certificate names temporal.test, not 127.0.0.1.
      TEMPORAL_TLS_SERVER_NAME: SERVER_NAME,
      ...overrides,
    });
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.connection.close()));
    await proxy?.stop();
    await env?.teardown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function clientFor(variables: Record<string, string | undefined>): Client {
    const client = createTemporalClient(loadConfig(variables));
    clients.push(client);
    return client;
  }

  describe('API and worker process', () => {
    let testApp: TestApp;
    let worker: ChildProcess | undefined;
    let workerExited: Promise<void>;
    const logLines: Array<Record<string, unknown>> = [];

    beforeAll(async () => {
      testApp = await createTestApp(clientFor(tlsEnv()));
    });

    afterAll(async () => {
      if (worker && worker.exitCode === null) {
        worker.kill('SIGTERM');
        await workerExited;
      }
      await testApp?.close();
    });

    function startWorker(): Promise<void> {
      worker = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['src/worker.ts'], {
        cwd: ROOT,
        env: {
          ...process.env,
          ...tlsEnv(),
          DATA_DIR: testApp.config.dataDir,
          LOG_FORMAT: 'json',
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      workerExited = new Promise((resolve) => worker!.once('exit', () => resolve()));
      let buffered = '';
      return new Promise<void>((resolve, reject) => {
        worker!.once('exit', (code) => reject(new Error(`worker exited early with ${code}`)));
        worker!.stdout!.on('data', (chunk: Buffer) => {
          buffered += chunk.toString('utf8');
          const lines = buffered.split('\n');
          buffered = lines.pop() ?? '';
          for (const line of lines) {
            if (!line.startsWith('{')) continue;
            const parsed = JSON.parse(line) as Record<string, unknown>;
            logLines.push(parsed);
            if (parsed.msg === 'worker polling') resolve();
          }
        });
      });
    }

    async function startUpload() {
      const upload = await testApp.app.inject({
        method: 'POST',
        url: '/files',
        payload: 'over mutual TLS',
        headers: { 'content-type': 'text/plain' },
      });
      expect(upload.statusCode).toBe(201);
      return testApp.app.inject({
        method: 'POST',
        url: '/upload',
        payload: { fileId: upload.json().fileId },
      });
    }

    it('answers /readyz 200 through the TLS endpoint', async () => {
      const response = await testApp.app.inject({ method: 'GET', url: '/readyz' });
      expect(response.json()).toEqual({ status: 'ready', temporal: 'reachable' });
      expect(proxy.clientNames).toContain('durable-jobs-client');
    });

    it('runs a job once the worker, connected over mTLS, has added the search attributes', async () => {
      const refused = await startUpload();
      expect(refused.statusCode).toBe(503);
      expect(refused.json()).toMatchObject({ code: 'TEMPORAL_REJECTED', grpcStatus: 'INVALID_ARGUMENT' });

      const connectionsBefore = proxy.clientNames.length;
      await startWorker();
      expect(logLines.find((line) => line.msg === 'job search attributes added')).toMatchObject({
        namespace: 'default',
        added: ['JobState', 'JobType'],
      });
      // The worker's NativeConnection and its client both came through the proxy.
      expect(proxy.clientNames.length).toBeGreaterThanOrEqual(connectionsBefore + 2);

      const started = await startUpload();
      expect(started.statusCode).toBe(202);
      const { jobId } = started.json();
      const result = await clients[0]!.workflow.getHandle(jobId).result();
      expect(result).toMatchObject({ fileId: expect.any(String) });
      expect(proxy.rejections).toEqual([]);
    });
  });

  it('fails with a certificate reason when the server CA is the wrong one', async () => {
    const wrongCa = tlsEnv({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: otherCa.cert });
    const readiness = await checkTemporalReadiness(clientFor(wrongCa));
    expect(readiness).toEqual({
      ready: false,
      reason: expect.stringMatching(/^TLS handshake with 127\.0\.0\.1:\d+ failed: self-signed certificate/),
    });

    const native = NativeConnection.connect(temporalConnectionOptions(loadConfig(wrongCa)));
    await expect(native).rejects.toThrow(/UnknownIssuer|certificate/i);
  });

  it('is refused by the server without a client certificate', async () => {
    const withoutCert = tlsEnv({
      TEMPORAL_TLS_CLIENT_CERT_PATH: undefined,
      TEMPORAL_TLS_CLIENT_KEY_PATH: undefined,
    });
    const readiness = await checkTemporalReadiness(clientFor(withoutCert));
    expect(readiness.ready).toBe(false);
    expect(!readiness.ready && readiness.reason).toMatch(/certificate/);
    expect(proxy.rejections.some((reason) => /certificate/i.test(reason))).toBe(true);
  });
});
