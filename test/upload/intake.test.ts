import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Connection, Client } from '@temporalio/client';
import { HTTP_ADAPTERS, startAdapterApp, type AdapterApp } from '../helpers/http-adapters';
import { closedPort } from '../helpers/ports';
import { localBlobs, readBlob } from '../helpers/blobs';

const sha256 = (content: Buffer | string) => createHash('sha256').update(content).digest('hex');

function multipart(field: string, filename: string, contentType: string, content: Buffer | string) {
  const boundary = '----durable-jobs-test-boundary';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\n` +
        `Content-Type: ${contentType}\r\n\r\n`,
    ),
    Buffer.from(content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

describe.each(HTTP_ADAPTERS)('POST /files: file intake (%s)', (adapter) => {
  let testApp: AdapterApp;
  let temporal: Client;

  beforeAll(async () => {
    // Intake never talks to Temporal; a lazy client that is never used keeps this test server-free.
    const temporalAddress = `127.0.0.1:${await closedPort()}`;
    temporal = new Client({ connection: Connection.lazy({ address: temporalAddress }) });
    testApp = await startAdapterApp(adapter, {
      temporal,
      temporalAddress,
      env: { MAX_UPLOAD_BYTES: String(64 * 1024) },
    });
  });

  afterAll(async () => {
    await testApp?.close();
    await temporal?.connection.close();
  });

  const post = (payload: Buffer | string, contentType?: string) =>
    testApp.inject({
      method: 'POST',
      url: '/files',
      payload,
      headers: contentType ? { 'content-type': contentType } : {},
    });

  it('stores a raw body of any content type, byte for byte, and reports its sha256', async () => {
    const content = Buffer.from(Array.from({ length: 5000 }, (_, index) => index % 256));
    const response = await post(content, 'application/x-whatever');

    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toEqual({
      fileId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      size: content.length,
      sha256: sha256(content),
      contentType: 'application/x-whatever',
    });
    expect((await readBlob(testApp.services.blobs, body.fileId)).equals(content)).toBe(true);
    const described = await testApp.inject({ method: 'GET', url: `/files/${body.fileId}` });
    expect(described.json()).toMatchObject({ fileId: body.fileId, sha256: sha256(content) });
  });

  it('stores the multipart field "file" with its declared type', async () => {
    const upload = multipart('file', 'notes.txt', 'text/plain', 'multipart content');
    const response = await post(upload.body, upload.contentType);

    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      size: 17,
      sha256: sha256('multipart content'),
      contentType: 'text/plain',
    });
  });

  it('answers 400 naming the field when a multipart request has no "file" field', async () => {
    const upload = multipart('document', 'notes.txt', 'text/plain', 'wrong field');
    const response = await post(upload.body, upload.contentType);

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ field: 'file', code: 'VALIDATION_FAILED' });
  });

  it('answers 413 for a body over the limit, and keeps nothing of it', async () => {
    const directory = localBlobs(testApp.services.blobs).directory;
    const before = fs.readdirSync(directory).length;
    const response = await post(Buffer.alloc(64 * 1024 + 1, 1), 'application/octet-stream');

    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limitBytes: 64 * 1024 });
    expect(fs.readdirSync(directory)).toHaveLength(before);
  });

  it('answers 413 on a real connection to a chunked body that passes the limit while it streams', async () => {
    const address = await testApp.url();
    const chunk = Buffer.alloc(16 * 1024, 3);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 1024 * 1024) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });

    const response = await fetch(`${address}/files`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/octet-stream' },
      duplex: 'half',
    } as RequestInit);

    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('answers 413 for a multipart file over the limit too', async () => {
    const upload = multipart('file', 'big.bin', 'application/octet-stream', Buffer.alloc(64 * 1024 + 10, 2));
    const response = await post(upload.body, upload.contentType);

    expect(response.statusCode).toBe(413);
  });

  it('answers 400 for an empty body', async () => {
    const response = await post('', 'text/plain');

    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatch(/empty/);
  });

  it.each(['../../etc/passwd', '..%2F..%2Fetc%2Fpasswd', 'not-a-uuid'])(
    'never resolves the file id %p outside the storage folder',
    async (fileId) => {
      const response = await testApp.inject({ method: 'GET', url: `/files/${fileId}` });
      expect(response.statusCode).toBe(404);
      await expect(testApp.services.files.remove(decodeURIComponent(fileId))).rejects.toThrow(
        'Invalid file id',
      );
    },
  );
});
