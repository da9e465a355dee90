import { createHash, randomBytes } from 'node:crypto';
import type { Config } from '../../src/config';
import type { Services } from '../../src/services';
import { chunked, MiB } from './blob-store-contract';
import { readBlob } from './blobs';
import { useUploadSuite, type UploadSuite } from './jobs-harness';

export const UPLOAD_LIMIT_BYTES = 21 * MiB;

export interface UploadStoreUnderTest {
  /** What selects the store (nothing for the local default). */
  config: Partial<Config>;
  keys(services: Services): Promise<string[]>;
  leftovers(services: Services): Promise<string[]>;
  close(): Promise<void>;
}

const sha256 = (content: Buffer | string) => createHash('sha256').update(content).digest('hex');

/**
 * Uploads through the real HTTP app and processUpload through the real worker, with the files'
 * bytes in the store `start` selects. Registers its tests in the calling describe block.
 */
export function uploadStoreContract(start: () => Promise<UploadStoreUnderTest>): UploadSuite {
  const config: Partial<Config> = { maxUploadBytes: UPLOAD_LIMIT_BYTES };
  let store: UploadStoreUnderTest | undefined;
  beforeAll(async () => {
    store = await start();
    Object.assign(config, store.config);
  });
  const suite = useUploadSuite({ config });
  afterAll(async () => {
    await store?.close();
  });
  const services = () => suite.harness.testApp.services;
  const under = () => {
    if (!store) throw new Error('the store did not start');
    return store;
  };

  it('stores a 20 MiB upload sent over HTTP byte for byte under its file id, with its sha256', async () => {
    const content = randomBytes(20 * MiB);

    const { fileId, sha256: reported } = await suite.harness.uploadFile(content);

    expect(reported).toBe(sha256(content));
    expect(await under().keys(services())).toContain(fileId);
    expect(sha256(await readBlob(services().blobs, fileId))).toBe(sha256(content));
  });

  it('runs processUpload to completion, analysing the bytes from the store', async () => {
    const text = 'stored somewhere\nand read back\n';
    const { fileId } = await suite.harness.uploadFile(text, 'text/plain');
    const jobId = await suite.harness.startProcessing({ fileId });
    await suite.harness.waitForJob(jobId);

    const status = await suite.harness.status(jobId);
    expect(status).toMatchObject({ state: 'completed', attempts: 1, error: null });
    expect(status.result).toMatchObject({
      fileId,
      size: Buffer.byteLength(text),
      sha256: sha256(text),
      facts: { kind: 'text', lines: 2, words: 5 },
    });
  });

  it('answers 413 for a streamed body over the limit, keeping nothing of it', async () => {
    const before = await under().keys(services());

    const response = await suite.harness.app.inject({
      method: 'POST',
      url: '/files',
      // A stream has no content-length: the limit is found while storing, after parts went out.
      payload: chunked(randomBytes(UPLOAD_LIMIT_BYTES + 2 * MiB)),
      headers: { 'content-type': 'application/octet-stream' },
    });

    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limitBytes: UPLOAD_LIMIT_BYTES });
    expect(await under().keys(services())).toEqual(before);
    expect(await under().leftovers(services())).toEqual([]);
  });

  it('dead-letters a job at once, as FileNotFound, when the stored bytes are gone', async () => {
    const { fileId } = await suite.harness.uploadFile('soon gone', 'text/plain');
    await services().blobs.remove(fileId);
    const jobId = await suite.harness.startProcessing({ fileId });
    await suite.harness.waitForJob(jobId);

    const status = await suite.harness.status(jobId);
    expect(status).toMatchObject({ state: 'dead_lettered', attempts: 1 });
    expect(status.error).toContain(`File ${fileId} not found`);
    const deadLetters = await suite.harness.app.inject({
      method: 'GET',
      url: '/dead-letters?jobType=processUpload',
    });
    const entry = deadLetters.json().items.find((item: { jobId: string }) => item.jobId === jobId);
    expect(entry).toMatchObject({ errorType: 'FileNotFound' });
  });

  return suite;
}
