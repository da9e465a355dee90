// Bearer tokens at the edge: every route declares who may call it, and the adapter refuses
// callers without a known token (401) or without the scope (403) before anything else happens.
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bearerToken } from '../../src/api/auth';
import { buildApp } from '../../src/api/app';
import { defineRoute } from '../../src/api/route';
import { findToken, sha256Hex } from '../../src/auth/tokens';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/logger';
import { HTTP_ADAPTERS, startAdapterApp, type AdapterApp } from '../helpers/http-adapters';
import { closedPort } from '../helpers/ports';
import { APP, bearer, OPS, READER, tokenEnv } from '../helpers/tokens';

const METRICS_SECRET = 'metrics-secret-0123456789';
const OPEN_PATHS = ['/healthz', '/readyz', '/openapi.json', '/docs'];
/** An admin token configured by its SHA-256 only. */
const HASHED_SECRET = 'hashed-secret-0123456789abcdef';

type Operations = Record<string, Record<string, { security: Record<string, string[]>[] }>>;

describe.each(HTTP_ADAPTERS)('authentication (%s)', (adapter) => {
  let temporal: Client;
  let secured: AdapterApp;
  let open: AdapterApp;

  beforeAll(async () => {
    // Refusals happen before any handler runs, so no Temporal server is needed: it is never reached.
    const temporalAddress = `127.0.0.1:${await closedPort()}`;
    temporal = new Client({ connection: Connection.lazy({ address: temporalAddress }) });
    const hashed = { name: 'hashed', sha256: sha256Hex(HASHED_SECRET), scopes: ['admin'] };
    const env = tokenEnv([OPS, APP, READER], METRICS_SECRET, [hashed]);
    [secured, open] = await Promise.all([
      startAdapterApp(adapter, { temporal, temporalAddress, env }),
      startAdapterApp(adapter, { temporal, temporalAddress }),
    ]);
  });

  afterAll(async () => {
    await secured?.close();
    await open?.close();
    await temporal?.connection.close();
  });

  const call = (app: AdapterApp, method: string, url: string, headers: Record<string, string> = {}) =>
    app.inject({ method, url, headers });

  async function operations(): Promise<[string, string, string[]][]> {
    const document = (await call(secured, 'GET', '/openapi.json')).json() as { paths: Operations };
    return Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]): [string, string, string[]] => [
        path.replace(/\{\w+\}/g, 'some-id'),
        method.toUpperCase(),
        operation.security.flatMap((requirement) => Object.values(requirement).flat()),
      ]),
    );
  }

  it('leaves only health, readiness and the API description open', async () => {
    const openOperations = (await operations()).filter(([, , scopes]) => scopes.length === 0);
    expect(openOperations.map(([path]) => path).sort()).toEqual([...OPEN_PATHS].sort());
    for (const path of ['/healthz', '/openapi.json', '/docs']) {
      expect((await call(secured, 'GET', path)).statusCode).toBe(200);
    }
  });

  it('answers 401 UNAUTHENTICATED with WWW-Authenticate on every other route without a token', async () => {
    const protectedOperations = (await operations()).filter(([, , scopes]) => scopes.length > 0);
    expect(protectedOperations.length).toBeGreaterThan(10);
    for (const [path, method] of protectedOperations) {
      const response = await call(secured, method, path);
      expect({ method, path, status: response.statusCode }).toEqual({ method, path, status: 401 });
      expect(response.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    }
  });

  it('refuses a token it does not know, and a scheme other than Bearer', async () => {
    for (const authorization of ['Bearer not-a-configured-token', `Basic ${OPS.secret}`, OPS.secret]) {
      const response = await call(secured, 'GET', '/dead-letters', { authorization });
      expect(response.statusCode).toBe(401);
      expect(response.json().code).toBe('UNAUTHENTICATED');
    }
  });

  it('answers 403 FORBIDDEN naming the scope a token lacks', async () => {
    const reading = await call(secured, 'GET', '/dead-letters', bearer(APP));
    expect(reading.statusCode).toBe(403);
    expect(reading.json()).toMatchObject({ code: 'FORBIDDEN', scope: 'admin' });
    const starting = await call(secured, 'POST', '/upload', bearer(READER));
    expect(starting.statusCode).toBe(403);
    expect(starting.json()).toMatchObject({ code: 'FORBIDDEN', scope: 'jobs:create' });
  });

  it('lets a token with the scope through to the route (here: its 404), and admin holds every scope', async () => {
    for (const token of [READER, APP, OPS]) {
      const response = await call(secured, 'GET', '/files/no-such-file', bearer(token));
      expect(response.statusCode).toBe(404);
    }
    const upload = await secured.inject({
      method: 'POST',
      url: '/upload',
      payload: { fileId: 'no-such-file' },
      headers: bearer(OPS),
    });
    expect(upload.statusCode).toBe(404);
    expect((await call(secured, 'GET', '/dead-letters', bearer(OPS))).statusCode).toBe(200);
  });

  it('checks the caller before the request: no token learns nothing about the body', async () => {
    const response = await secured.inject({
      method: 'POST',
      url: '/emails',
      payload: { nonsense: true },
    });
    expect(response.statusCode).toBe(401);
  });

  it('accepts a token configured by its SHA-256 only', async () => {
    expect((await call(secured, 'GET', '/dead-letters', bearer(HASHED_SECRET))).statusCode).toBe(200);
    expect((await call(secured, 'GET', '/dead-letters', bearer(sha256Hex(HASHED_SECRET)))).statusCode).toBe(
      401,
    );
  });

  it('serves /metrics to METRICS_TOKEN and admin tokens only', async () => {
    expect((await call(secured, 'GET', '/metrics')).statusCode).toBe(401);
    expect((await call(secured, 'GET', '/metrics', bearer(METRICS_SECRET))).statusCode).toBe(200);
    expect((await call(secured, 'GET', '/metrics', bearer(OPS))).statusCode).toBe(200);
    const reader = await call(secured, 'GET', '/metrics', bearer(READER));
    expect(reader.statusCode).toBe(403);
    expect(reader.json().scope).toBe('admin');
    // The metrics token opens nothing else.
    expect((await call(secured, 'GET', '/dead-letters', bearer(METRICS_SECRET))).statusCode).toBe(401);
  });

  it('opens every route when no tokens are configured on loopback', async () => {
    expect(open.config.auth.mode).toBe('open');
    expect((await call(open, 'GET', '/dead-letters')).statusCode).toBe(200);
    expect((await call(open, 'GET', '/metrics')).statusCode).toBe(200);
  });
});

describe('authentication configuration', () => {
  it('refuses to serve without tokens on a non-loopback address unless AUTH=none', async () => {
    // loadConfig only resolves the folder; nothing is created there.
    const dataDir = path.join(os.tmpdir(), 'durable-jobs-never-created');
    // Off loopback, payload encryption is required too; this test is about tokens.
    const offLoopback = {
      DATA_DIR: dataDir,
      HOST: '0.0.0.0',
      PAYLOAD_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
    };
    const exposed = loadConfig(offLoopback);
    const services = { deadLetters: {}, files: {}, idempotencyKeys: {} } as never;
    const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    expect(() => buildApp({ config: exposed, logger: silentLogger, temporal, services })).toThrow(
      /API_TOKENS is required when HOST \(0\.0\.0\.0\) is not a loopback address; set AUTH=none/,
    );
    const explicit = loadConfig({ ...offLoopback, AUTH: 'none' });
    expect(explicit.auth.mode).toBe('open');
  });
});

describe('route definitions', () => {
  it('do not typecheck without an access level (npm run typecheck fails if it becomes optional)', () => {
    const route = defineRoute(
      // @ts-expect-error `access` is required, so that no route is open by omission
      {
        method: 'GET',
        path: '/forgotten',
        summary: 'A route that forgot to say who may call it',
        schema: { responses: { 200: { description: 'ok' } } },
        handler: async () => ({ status: 200 }),
      },
    );
    expect(route.access).toBeUndefined();
  });
});

describe('bearer tokens', () => {
  it('reads only the Bearer scheme, in any letter case', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it('finds the token whose secret is presented among all configured, by digest', () => {
    const tokens = [
      { name: 'one', sha256: sha256Hex('first-secret'), scopes: ['jobs:read' as const] },
      { name: 'two', sha256: sha256Hex('second-secret'), scopes: ['admin' as const] },
    ];
    expect(findToken(tokens, 'second-secret')?.name).toBe('two');
    expect(findToken(tokens, 'first-secret')?.name).toBe('one');
    expect(findToken(tokens, 'third-secret')).toBeUndefined();
    expect(findToken(tokens, '')).toBeUndefined();
  });
});
