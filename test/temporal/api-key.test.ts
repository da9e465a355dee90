// TEMPORAL_API_KEY reaches the server as `authorization: Bearer KEY` from both connections (the
// API's client and the worker's NativeConnection), over TLS, as Temporal Cloud expects it.
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
import { ApiKeyCheckingProxy } from '../helpers/api-key-proxy';
import { createTestApp } from '../helpers/app';
import { createCertificateAuthority, issueCertificate } from '../helpers/certificates';
import { createLocalEnv } from '../helpers/temporal-env';

const API_KEY = 'test-api-key-5f2c';

describe('Temporal API key', () => {
  let dir: string;
  let env: TestWorkflowEnvironment;
  let proxy: ApiKeyCheckingProxy;
  let variables: (overrides?: Record<string, string | undefined>) => Record<string, string | undefined>;
  const clients: Client[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-api-key-'));
    const ca = createCertificateAuthority(dir, 'test-ca');
    const server = issueCertificate(dir, ca, 'temporal-server', { server: 'temporal.test' });
    env = await createLocalEnv();
    proxy = new ApiKeyCheckingProxy({
      backend: env.address.replace(/^localhost:/, '127.0.0.1:'),
      apiKey: API_KEY,
      cert: server.cert,
      key: server.key,
    });
    const address = await proxy.start();
    variables = (overrides = {}) => ({
      TEMPORAL_ADDRESS: address,
      TEMPORAL_API_KEY: API_KEY,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca.cert,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.test',
      ...overrides,
    });
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.connection.close()));
    await proxy?.stop();
    await env?.teardown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function clientFor(overrides?: Record<string, string | undefined>): Client {
    const client = createTemporalClient(loadConfig(variables(overrides)));
    clients.push(client);
    return client;
  }

  it("is sent by the API's client: ready, and a job starts", async () => {
    const client = clientFor();
    expect(await checkTemporalReadiness(client)).toEqual({ ready: true });
    const testApp = await createTestApp(client);
    try {
      const response = await testApp.app.inject({
        method: 'POST',
        url: '/emails',
        payload: { to: 'ann@example.com', template: 'welcome', params: { name: 'Ann' } },
      });
      expect(response.statusCode).toBe(202);
    } finally {
      await testApp.close();
    }
    expect(proxy.authorizations).toContain(`Bearer ${API_KEY}`);
  });

  it("is sent by the worker's NativeConnection", async () => {
    const before = proxy.authorizations.length;
    const connection = await NativeConnection.connect(temporalConnectionOptions(loadConfig(variables())));
    try {
      const described = await connection.workflowService.describeNamespace({ namespace: 'default' });
      expect(described.namespaceInfo?.name).toBe('default');
    } finally {
      await connection.close();
    }
    const sent = proxy.authorizations.slice(before);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((authorization) => authorization === `Bearer ${API_KEY}`)).toBe(true);
  });

  it('refused when wrong: readiness says UNAUTHENTICATED with the server message', async () => {
    const readiness = await checkTemporalReadiness(clientFor({ TEMPORAL_API_KEY: 'wrong-key' }));
    expect(readiness).toEqual({ ready: false, reason: '16 UNAUTHENTICATED: missing or wrong API key' });
    expect(proxy.authorizations).toContain('Bearer wrong-key');
  });
});
