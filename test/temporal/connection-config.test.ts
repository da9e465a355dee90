// How TEMPORAL_* variables and profile files become the options of both Temporal connections.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../../src/config';
import { temporalConnectionOptions } from '../../src/temporal/client';

describe('Temporal connection settings', () => {
  let dir: string;
  const file = (name: string, content: string) => {
    const target = path.join(dir, name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
    return target;
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-temporal-config-'));
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('with nothing set, is plain gRPC to the dev server on TEMPORAL_PORT', () => {
    expect(temporalConnectionOptions(loadConfig({ TEMPORAL_PORT: '7300' }))).toEqual({
      address: '127.0.0.1:7300',
    });
  });

  it('never reads a personal profile file unless asked to', () => {
    file('.config/temporalio/temporal.toml', '[profile.default]\naddress = "elsewhere:7233"\n');
    expect(loadConfig({ HOME: dir }).temporalAddress).toBe('127.0.0.1:7233');
    expect(loadConfig({ HOME: dir, TEMPORAL_PROFILE: 'default' }).temporalAddress).toBe('elsewhere:7233');
  });

  it('sends an API key over TLS, unless TEMPORAL_TLS=false', () => {
    const env = { TEMPORAL_ADDRESS: 'ns.a1b2c.tmprl.cloud:7233', TEMPORAL_API_KEY: 'secret-key' };
    expect(temporalConnectionOptions(loadConfig(env))).toEqual({
      address: 'ns.a1b2c.tmprl.cloud:7233',
      apiKey: 'secret-key',
      tls: true,
    });
    expect(loadConfig({ ...env, TEMPORAL_TLS: 'false' }).temporalConnection).toEqual({
      apiKey: 'secret-key',
      tls: false,
    });
  });

  it('reads the server CA, client certificate and key, and server name', () => {
    const env = {
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: file('ca.pem', 'CA'),
      TEMPORAL_TLS_CLIENT_CERT_PATH: file('client.pem', 'CERT'),
      TEMPORAL_TLS_CLIENT_KEY_DATA: 'KEY',
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    };
    const { tls } = loadConfig(env).temporalConnection;
    expect(tls).toEqual({
      serverNameOverride: 'temporal.internal',
      serverRootCACertificate: Uint8Array.from(Buffer.from('CA')),
      clientCertPair: { crt: Uint8Array.from(Buffer.from('CERT')), key: Uint8Array.from(Buffer.from('KEY')) },
    });
  });

  it('turns TEMPORAL_GRPC_META_* into gRPC headers', () => {
    expect(loadConfig({ TEMPORAL_GRPC_META_X_TENANT: 'blue' }).temporalConnection).toEqual({
      metadata: { 'x-tenant': 'blue' },
    });
  });

  it('takes a profile from TEMPORAL_CONFIG_FILE, variables overriding it', () => {
    const config = file(
      'temporal.toml',
      [
        '[profile.prod]',
        'address = "temporal.internal:7233"',
        'namespace = "jobs"',
        'api_key = "from-file"',
        '[profile.prod.tls]',
        'server_name = "temporal.internal"',
      ].join('\n'),
    );
    const loaded = loadConfig({ TEMPORAL_CONFIG_FILE: config, TEMPORAL_PROFILE: 'prod' });
    expect(loaded).toMatchObject({
      temporalAddress: 'temporal.internal:7233',
      temporalNamespace: 'jobs',
      temporalConnection: { apiKey: 'from-file', tls: { serverNameOverride: 'temporal.internal' } },
    });
    const overridden = loadConfig({
      TEMPORAL_CONFIG_FILE: config,
      TEMPORAL_PROFILE: 'prod',
      TEMPORAL_NAMESPACE: 'other',
    });
    expect(overridden.temporalNamespace).toBe('other');
  });

  it.each([
    [
      'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
      { TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/nowhere/ca.pem' },
      'does not exist',
    ],
    ['TEMPORAL_TLS_CLIENT_KEY_PATH', { TEMPORAL_TLS_CLIENT_CERT_DATA: 'CERT' }, 'needs its key'],
    ['TEMPORAL_TLS_CLIENT_CERT_PATH', { TEMPORAL_TLS_CLIENT_KEY_DATA: 'KEY' }, 'needs its key'],
    ['TEMPORAL_TLS', { TEMPORAL_TLS: 'maybe' }, 'must be true or false'],
    ['TEMPORAL_CONFIG_FILE', { TEMPORAL_CONFIG_FILE: '/nowhere/temporal.toml' }, 'does not exist'],
  ])('rejects a bad %s, naming it', (variable, env, reason) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(`${variable} `);
    expect(() => loadConfig(env)).toThrow(reason);
  });

  it('names TEMPORAL_PROFILE when the file has no such profile', () => {
    const config = file('temporal.toml', '[profile.default]\naddress = "a:1"\n');
    expect(() => loadConfig({ TEMPORAL_CONFIG_FILE: config, TEMPORAL_PROFILE: 'prod' })).toThrow(
      "TEMPORAL_PROFILE could not be used: Profile 'prod' not found",
    );
  });

  it('names TEMPORAL_CONFIG_FILE when the file is not TOML', () => {
    const config = file('temporal.toml', 'this is = = not toml');
    expect(() => loadConfig({ TEMPORAL_CONFIG_FILE: config })).toThrow(
      'TEMPORAL_CONFIG_FILE could not be used',
    );
  });
});

describe('CONFIG_VARIABLES', () => {
  it('lists every variable loadConfig reads', () => {
    const read = new Set<string>();
    const recording = new Proxy({} as Record<string, string | undefined>, {
      get: (_target, name) => {
        if (typeof name === 'string') read.add(name);
        return undefined;
      },
    });
    loadConfig(recording);
    expect(read.size).toBeGreaterThan(10);
    expect([...read].filter((name) => !(CONFIG_VARIABLES as readonly string[]).includes(name))).toEqual([]);
  });
});
