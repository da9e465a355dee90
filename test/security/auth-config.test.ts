// API_TOKENS, METRICS_TOKEN, AUTH and APP_URL as loadConfig reads them: every mistake refused
// with a message naming the variable.
import { CONFIG_VARIABLES, loadConfig, requireApiAuth } from '../../src/config';
import { sha256Hex } from '../../src/auth/tokens';

const DATA_DIR = '/tmp/durable-jobs-config-never-created';
// Off loopback, payload encryption is required too; these tests are about tokens.
const ENCRYPTION = { PAYLOAD_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}` };
const load = (env: Record<string, string>) => loadConfig({ DATA_DIR, ...ENCRYPTION, ...env });
const tokens = (entries: unknown) => load({ API_TOKENS: JSON.stringify(entries) });
const SECRET = 'a-long-enough-secret-0123';

describe('API_TOKENS', () => {
  it('keeps each token as the SHA-256 of its secret, with its scopes', () => {
    const config = tokens([
      { name: 'ops', token: SECRET, scopes: ['admin'] },
      { name: 'app', sha256: sha256Hex('other-secret-0123456789').toUpperCase(), scopes: ['jobs:create'] },
    ]);
    expect(config.auth).toEqual({
      mode: 'tokens',
      tokens: [
        { name: 'ops', sha256: sha256Hex(SECRET), scopes: ['admin'] },
        { name: 'app', sha256: sha256Hex('other-secret-0123456789'), scopes: ['jobs:create'] },
      ],
      metricsTokenSha256: undefined,
    });
    expect(JSON.stringify(config)).not.toContain(SECRET);
  });

  it.each([
    ['not JSON', '{', /API_TOKENS must be a JSON array/],
    ['not an array', '{"name":"x"}', /API_TOKENS must be a non-empty JSON array/],
    ['an empty array', '[]', /API_TOKENS must be a non-empty JSON array/],
  ])('refuses %s', (_label, value, message) => {
    expect(() => load({ API_TOKENS: value })).toThrow(message);
  });

  it.each([
    [
      'an unknown scope',
      [{ name: 'x', token: SECRET, scopes: ['jobs:delete'] }],
      /entry 0: has unknown scope "jobs:delete"/,
    ],
    ['no scopes', [{ name: 'x', token: SECRET, scopes: [] }], /entry 0: "scopes" must be a non-empty array/],
    [
      'a duplicate name',
      [
        { name: 'x', token: SECRET, scopes: ['admin'] },
        { name: 'x', token: `${SECRET}-2`, scopes: ['admin'] },
      ],
      /API_TOKENS names "x" twice/,
    ],
    [
      'the same secret twice',
      [
        { name: 'x', token: SECRET, scopes: ['admin'] },
        { name: 'y', sha256: sha256Hex(SECRET), scopes: ['jobs:read'] },
      ],
      /API_TOKENS has the same secret twice/,
    ],
    [
      'a sha256 that is not 64 hex characters',
      [{ name: 'x', sha256: 'abc', scopes: ['admin'] }],
      /entry 0: "sha256" must be 64 hexadecimal/,
    ],
    [
      'a sha256 with a non-hex character',
      [{ name: 'x', sha256: `${'a'.repeat(63)}g`, scopes: ['admin'] }],
      /"sha256" must be 64 hexadecimal/,
    ],
    [
      'both token and sha256',
      [{ name: 'x', token: SECRET, sha256: sha256Hex(SECRET), scopes: ['admin'] }],
      /exactly one of "token" or "sha256"/,
    ],
    ['neither token nor sha256', [{ name: 'x', scopes: ['admin'] }], /exactly one of "token" or "sha256"/],
    [
      'a short token',
      [{ name: 'x', token: 'short', scopes: ['admin'] }],
      /"token" must be at least 16 characters/,
    ],
    ['a name with a space', [{ name: 'a b', token: SECRET, scopes: ['admin'] }], /"name" must be 1 to 100/],
    [
      'an unknown property',
      [{ name: 'x', token: SECRET, scopes: ['admin'], role: 'root' }],
      /unknown property "role"/,
    ],
  ])('refuses %s, naming API_TOKENS', (_label, entries, message) => {
    expect(() => tokens(entries)).toThrow(/^Invalid configuration: API_TOKENS /);
    expect(() => tokens(entries)).toThrow(message);
  });
});

describe('open mode and AUTH', () => {
  it('is open without tokens on loopback', () => {
    for (const HOST of ['127.0.0.1', 'localhost', '::1']) {
      const config = load({ HOST });
      expect(requireApiAuth(config).mode).toBe('open');
    }
  });

  it('refuses to serve without tokens on any other address', () => {
    for (const HOST of ['0.0.0.0', '192.168.1.10', '::']) {
      expect(() => requireApiAuth(load({ HOST }))).toThrow(
        /^Invalid configuration: API_TOKENS is required when HOST .* set AUTH=none/,
      );
    }
  });

  it('serves without tokens off loopback only when AUTH=none says so', () => {
    expect(requireApiAuth(load({ HOST: '0.0.0.0', AUTH: 'none' })).mode).toBe('open');
    expect(() => load({ AUTH: 'basic' })).toThrow(/^Invalid configuration: AUTH may only be "none"/);
    expect(() =>
      load({ AUTH: 'none', API_TOKENS: JSON.stringify([{ name: 'x', token: SECRET, scopes: ['admin'] }]) }),
    ).toThrow(/AUTH is "none" but API_TOKENS is set/);
  });

  it('uses tokens on any address once they are configured', () => {
    const config = load({
      HOST: '0.0.0.0',
      API_TOKENS: JSON.stringify([{ name: 'x', token: SECRET, scopes: ['admin'] }]),
    });
    expect(requireApiAuth(config).mode).toBe('tokens');
  });
});

describe('METRICS_TOKEN', () => {
  it('is kept as its digest and must be long enough', () => {
    expect(load({ METRICS_TOKEN: SECRET }).auth.metricsTokenSha256).toBe(sha256Hex(SECRET));
    expect(() => load({ METRICS_TOKEN: 'short' })).toThrow(/^Invalid configuration: METRICS_TOKEN must be/);
  });
});

describe('APP_URL', () => {
  it('defaults to http://localhost:$PORT and keeps only the origin', () => {
    expect(load({}).appUrl).toBe('http://localhost:3000');
    expect(load({ PORT: '4100' }).appUrl).toBe('http://localhost:4100');
    expect(load({ APP_URL: 'https://app.example.com/some/path/' }).appUrl).toBe('https://app.example.com');
  });

  it('refuses what is not an http(s) URL, and credentials in it', () => {
    expect(() => load({ APP_URL: 'ftp://app.example.com' })).toThrow(
      /^Invalid configuration: APP_URL must be an http/,
    );
    expect(() => load({ APP_URL: 'https://user:pw@app.example.com' })).toThrow(/APP_URL must not carry/);
  });
});

it('lists the new variables among those the service reads', () => {
  expect(CONFIG_VARIABLES).toEqual(
    expect.arrayContaining(['API_TOKENS', 'METRICS_TOKEN', 'AUTH', 'APP_URL']),
  );
});
