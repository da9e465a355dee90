// The codec endpoint the Temporal Web UI calls, over real HTTP on loopback: a round trip, bad
// input answered 400, and the browser's CORS preflight from the Web UI's origin.
import crypto from 'node:crypto';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { HttpServerKind } from '../../src/config';
import { createTemporalClient } from '../../src/temporal/client';
import { AesGcmPayloadCodec, type EncryptionKey } from '../../src/temporal/payload-codec';
import {
  HTTP_ADAPTERS,
  MALFORMED_JSON_ANSWER,
  startAdapterApp,
  type AdapterApp,
} from '../helpers/http-adapters';
import { closedPort } from '../helpers/ports';

const UI_ORIGIN = 'http://127.0.0.1:8233';
const KEYS: EncryptionKey[] = [
  { id: 'current', key: crypto.randomBytes(32) },
  { id: 'previous', key: crypto.randomBytes(32) },
];

interface JsonPayload {
  metadata: Record<string, string>;
  data: string;
}

const b64 = (text: string) => Buffer.from(text).toString('base64');
const unb64 = (text: string | undefined) => Buffer.from(text ?? '', 'base64').toString('utf8');

function jsonPayload(value: unknown): JsonPayload {
  const payload = defaultPayloadConverter.toPayload(value);
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v!).toString('base64')]),
    ),
    data: Buffer.from(payload.data!).toString('base64'),
  };
}

class Api {
  private constructor(
    private readonly app: AdapterApp,
    readonly url: string,
    private readonly temporal: Client,
  ) {}

  static async start(adapter: HttpServerKind, env: Record<string, string>): Promise<Api> {
    const temporalAddress = `127.0.0.1:${await closedPort()}`;
    const temporal = createTemporalClient({ temporalAddress, temporalNamespace: 'default' });
    const app = await startAdapterApp(adapter, { temporal, temporalAddress, env });
    return new Api(app, await app.url(), temporal);
  }

  post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  async stop(): Promise<void> {
    await this.app.close();
    await this.temporal.connection.close();
  }
}

const ENCRYPTION_ENV = {
  PAYLOAD_ENCRYPTION_KEYS: KEYS.map(({ id, key }) => `${id}:${key.toString('base64')}`).join(','),
  TEMPORAL_UI_URL: `${UI_ORIGIN}/`,
};

describe.each(HTTP_ADAPTERS)('codec endpoint with payload encryption on (%s)', (adapter) => {
  let api: Api;
  beforeAll(async () => {
    api = await Api.start(adapter, ENCRYPTION_ENV);
  });
  afterAll(() => api?.stop());

  const value = { to: 'alice@example.com', params: { name: 'Alice', resetUrl: 'https://app/reset?t=tok' } };

  it('encodes to ciphertext and decodes back, in order', async () => {
    const encoded = await api.post('/codec/encode', { payloads: [jsonPayload(value), jsonPayload(7)] });
    expect(encoded.status).toBe(200);
    const { payloads } = (await encoded.json()) as { payloads: JsonPayload[] };
    expect(payloads).toHaveLength(2);
    expect(unb64(payloads[0]!.metadata.encoding)).toBe('binary/encrypted');
    expect(unb64(payloads[0]!.metadata['encryption-key-id'])).toBe('current');
    expect(unb64(payloads[0]!.data)).not.toContain('alice@example.com');

    const decoded = await api.post('/codec/decode', { payloads });
    expect(decoded.status).toBe(200);
    const body = (await decoded.json()) as { payloads: JsonPayload[] };
    expect(unb64(body.payloads[0]!.metadata.encoding)).toBe('json/plain');
    expect(JSON.parse(unb64(body.payloads[0]!.data))).toEqual(value);
    expect(JSON.parse(unb64(body.payloads[1]!.data))).toBe(7);
  });

  it('decodes what a worker sealed with an older key, and passes plain payloads through', async () => {
    const [sealed] = await new AesGcmPayloadCodec([KEYS[1]!]).encode([
      defaultPayloadConverter.toPayload(value),
    ]);
    const wire = {
      metadata: Object.fromEntries(
        Object.entries(sealed!.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')]),
      ),
      data: Buffer.from(sealed!.data!).toString('base64'),
    };
    const response = await api.post('/codec/decode', { payloads: [wire, jsonPayload('plain')] });
    expect(response.status).toBe(200);
    const { payloads } = (await response.json()) as { payloads: JsonPayload[] };
    expect(JSON.parse(unb64(payloads[0]!.data))).toEqual(value);
    expect(JSON.parse(unb64(payloads[1]!.data))).toBe('plain');
  });

  it.each([
    ['no payloads list', {}, 'payloads'],
    ['data that is not base64', { payloads: [{ metadata: {}, data: 'not base64!' }] }, 'payloads.0.data'],
    ['an unknown property', { payloads: [{ data: '', extra: 1 }] }, 'payloads.0.extra'],
  ])('answers 400 to %s', async (_case, body, field) => {
    const response = await api.post('/codec/decode', body);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'VALIDATION_FAILED', field });
  });

  it('answers 400 to a body that is not JSON', async () => {
    const response = await api.post('/codec/decode', '{"payloads": [');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject(MALFORMED_JSON_ANSWER[adapter]);
  });

  it('answers 400, naming the key, to a tampered payload and to an unknown key id', async () => {
    const encoded = await api.post('/codec/encode', { payloads: [jsonPayload(value)] });
    const [payload] = ((await encoded.json()) as { payloads: JsonPayload[] }).payloads;
    const data = Buffer.from(payload!.data, 'base64');
    data[data.length - 1] = data[data.length - 1]! ^ 0xff;
    const tampered = await api.post('/codec/decode', {
      payloads: [{ ...payload, data: data.toString('base64') }],
    });
    expect(tampered.status).toBe(400);
    expect(await tampered.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      error: expect.stringMatching(/"current".*failed authentication/),
    });

    const unknown = { ...payload!, metadata: { ...payload!.metadata, 'encryption-key-id': b64('gone') } };
    const refused = await api.post('/codec/decode', { payloads: [unknown] });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: expect.stringContaining('key "gone"') });
  });

  it("answers the Web UI's preflight, allowing X-Namespace, and only for the UI's origin", async () => {
    const preflight = (origin: string) =>
      fetch(`${api.url}/codec/decode`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace',
        },
      });
    const allowed = await preflight(UI_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(allowed.headers.get('access-control-allow-methods')).toBe('POST');
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/x-namespace/);
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/content-type/);

    const other = await preflight('http://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets the UI read answers, errors included, across origins', async () => {
    const ok = await api.post('/codec/decode', { payloads: [] }, { origin: UI_ORIGIN });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    const bad = await api.post('/codec/decode', {}, { origin: UI_ORIGIN });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
  });

  it('is described in the OpenAPI document', async () => {
    const document = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/codec/decode', '/codec/encode']));
  });
});

describe.each(HTTP_ADAPTERS)('codec endpoint without payload encryption (%s)', (adapter) => {
  let api: Api;
  beforeAll(async () => {
    api = await Api.start(adapter, {});
  });
  afterAll(() => api?.stop());

  it('does not exist: there is nothing to decode', async () => {
    const response = await api.post('/codec/decode', { payloads: [] });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'NOT_FOUND' });
  });
});
