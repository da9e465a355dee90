import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { openSqliteClient } from '../../src/db/sqlite-client';
import { LocalBlobStore } from '../../src/files/local-blob-store';
import { freeLoopbackPort } from '../../src/free-port';
import { silentLogger } from '../../src/logger';
import { startDevServer } from '../../src/temporal/dev-server';
import { resolveWebhookSecret } from '../../src/webhooks/secret';
import { testConfig } from '../helpers/config';

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

describe.each(['000', '022', '077'])('data files under umask %s', (octal) => {
  const umask = parseInt(octal, 8);
  let root: string;
  let previousUmask: number;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-modes-'));
    previousUmask = process.umask(umask);
  });

  afterEach(() => {
    process.umask(previousUmask);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('creates DATA_DIR, the SQLite database and its -wal and -shm files for this user only', async () => {
    const dataDir = path.join(root, 'data');
    const file = path.join(dataDir, 'durable-jobs.sqlite');
    const client = openSqliteClient(file);
    try {
      await client.execute(
        'INSERT INTO users (id, email, email_key, name, created_at) VALUES (?, ?, ?, ?, ?)',
        ['u1', 'a@example.com', 'a@example.com', 'A', new Date().toISOString()],
      );
      expect(modeOf(dataDir)).toBe(0o700);
      expect(modeOf(file)).toBe(0o600);
      expect(modeOf(`${file}-wal`)).toBe(0o600);
      expect(modeOf(`${file}-shm`)).toBe(0o600);
    } finally {
      await client.close();
    }
  });

  it('tightens a database file an earlier version left world-readable', async () => {
    const file = path.join(root, 'old.sqlite');
    fs.writeFileSync(file, '');
    fs.chmodSync(file, 0o644);
    const client = openSqliteClient(file);
    await client.close();
    expect(modeOf(file)).toBe(0o600);
  });

  it('creates the local blob folder and every blob for this user only', async () => {
    const directory = path.join(root, 'data', 'files');
    const blobs = new LocalBlobStore(directory);
    await blobs.write('blob-1', Readable.from([Buffer.from('personal content')]), 1024);
    expect(modeOf(path.join(root, 'data'))).toBe(0o700);
    expect(modeOf(directory)).toBe(0o700);
    expect(modeOf(path.join(directory, 'blob-1'))).toBe(0o600);
  });

  it('keeps the generated webhook secret in a private DATA_DIR', () => {
    const dataDir = path.join(root, 'secret-data');
    resolveWebhookSecret(undefined, dataDir);
    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(path.join(dataDir, 'webhook-secret'))).toBe(0o600);
  });
});

describe("the Temporal dev server's database under DATA_DIR", () => {
  it('is made private as soon as the server creates it, under a permissive umask', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-modes-'));
    const previousUmask = process.umask(0o022);
    const config = testConfig({
      dataDir,
      temporalPort: await freeLoopbackPort(),
      temporalUiPort: await freeLoopbackPort(),
    });
    const server = startDevServer(config, silentLogger);
    try {
      const database = path.join(dataDir, 'temporal.sqlite');
      const deadline = Date.now() + 30_000;
      while (!(fs.existsSync(database) && modeOf(database) === 0o600) && Date.now() < deadline) {
        await sleep(100);
      }
      expect(modeOf(dataDir)).toBe(0o700);
      expect(modeOf(database)).toBe(0o600);
    } finally {
      process.umask(previousUmask);
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
