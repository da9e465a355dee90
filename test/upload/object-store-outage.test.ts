import http from 'node:http';
import type net from 'node:net';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createUploadActivities } from '../../src/activities/upload';
import { RETRY_POLICIES } from '../../src/contracts';
import type { StoredFile } from '../../src/files/file-store';
import { createS3Client, S3BlobStore } from '../../src/files/s3-blob-store';
import { openServices, type Services } from '../../src/services';
import { testConfig } from '../helpers/config';
import { closedPort } from '../helpers/ports';

// Stands in for an S3 endpoint answering every request with one error, to see how activities
// classify it; the real object store's behaviour is covered by the multi-host suite.
function s3ErrorServer(status: number, code: string): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    request.resume();
    if (code === 'NoSuchKey' && request.method === 'HEAD' && /^\/uploads\/?$/.test(request.url ?? '')) {
      response.end(); // the bucket is there, only the object is not
      return;
    }
    response.writeHead(status, { 'content-type': 'application/xml' });
    response.end(
      `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`,
    );
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const ANSWERS: Record<string, [number, string]> = {
  'answers 503': [503, 'ServiceUnavailable'],
  'has no such bucket': [404, 'NoSuchBucket'],
  'has no such object': [404, 'NoSuchKey'],
};

const endpointOf = (server: http.Server) => `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;

function storeAt(endpoint: string): S3BlobStore {
  const settings = {
    bucket: 'uploads',
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'K', secretAccessKey: 'S' },
    prefix: '',
  };
  return new S3BlobStore(createS3Client(settings), settings);
}

function failureOf(run: Promise<unknown>): Promise<unknown> {
  return run.then(
    () => {
      throw new Error('expected the activity to fail');
    },
    (error: unknown) => error,
  );
}

/** Whether Temporal would retry this activity failure under the step's retry policy. */
function isRetryable(error: unknown, nonRetryableTypes: readonly string[]): boolean {
  if (error instanceof ApplicationFailure)
    return !error.nonRetryable && !nonRetryableTypes.includes(error.type ?? '');
  return !nonRetryableTypes.includes((error as Error).name);
}

describe('upload activities against an object store that fails', () => {
  let services: Services;
  let dataDir: string;
  let stored: StoredFile;
  const servers: http.Server[] = [];

  beforeAll(async () => {
    const config = testConfig();
    dataDir = config.dataDir;
    services = await openServices(config);
    // The metadata says the file exists; only its bytes are out of reach.
    stored = await services.files.save(Readable.from([Buffer.from('bytes somewhere else')]), {
      contentType: 'text/plain',
      limitBytes: 1024,
    });
  });

  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    await services.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function endpoint(kind: string): Promise<string> {
    if (kind === 'refuses connections') return `http://127.0.0.1:${await closedPort()}`;
    const [status, code] = ANSWERS[kind]!;
    const server = await s3ErrorServer(status, code);
    servers.push(server);
    return endpointOf(server);
  }

  async function failures(kind: string) {
    const blobs = storeAt(await endpoint(kind));
    const activities = createUploadActivities({ ...services, blobs });
    const env = new MockActivityEnvironment();
    try {
      return {
        open: await failureOf(env.run(activities.openStoredFile, stored.fileId)),
        analyse: await failureOf(
          env.run(activities.analyseFile, {
            jobId: 'job-1',
            fileId: stored.fileId,
            expectedSha256: stored.sha256,
          }),
        ),
      };
    } finally {
      blobs.close();
    }
  }

  it.each(['answers 503', 'refuses connections', 'has no such bucket'])(
    'leaves both steps retryable when the store %s',
    async (kind) => {
      const { open, analyse } = await failures(kind);

      expect(isRetryable(open, RETRY_POLICIES.openFile.nonRetryableErrorTypes)).toBe(true);
      expect(isRetryable(analyse, RETRY_POLICIES.analyseFile.nonRetryableErrorTypes)).toBe(true);
    },
  );

  it('stops both steps as FileNotFound when the store says the object does not exist', async () => {
    const { open, analyse } = await failures('has no such object');

    for (const failure of [open, analyse]) {
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure).toMatchObject({ type: 'FileNotFound', nonRetryable: true });
    }
  });
});
