// `npm run bench`: speed and memory of the upload path, each as a ratio against a baseline run in
// the same process on the same data. Prints a table; asserts nothing. The S3 row needs a server:
// BENCH_S3_ENDPOINT, BENCH_S3_ACCESS_KEY and BENCH_S3_SECRET_KEY, or versitygw in the cache folder.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
} from '@aws-sdk/client-s3';
import type { SqlClient } from '../src/db/sql-client';
import { openSqliteClient } from '../src/db/sqlite-client';
import type { BlobStore } from '../src/files/blob-store';
import { ContentAnalyser } from '../src/files/content-analysis';
import { FileStore } from '../src/files/file-store';
import { LocalBlobStore } from '../src/files/local-blob-store';
import {
  createS3Client,
  DEFAULT_PART_LIMITS,
  S3BlobStore,
  type S3Settings,
} from '../src/files/s3-blob-store';
import { benchS3Server } from './versitygw';
import { benchHttpAdapters } from './http-adapters';
import { runThroughputSection } from './throughput';
import { SqlStoredFileRepository } from '../src/files/stored-file-repository';

const MiB = 1024 * 1024;
const TEXT_SIZE = 64 * MiB;
const UPLOAD_SIZE = 256 * MiB;
const CHUNK = MiB;
const ROUNDS = 3;
const PART_SIZE = DEFAULT_PART_LIMITS.partSizeBytes;

function textChunk(): Buffer {
  const line = 'the quick brown fox jumps over the lazy dog, again and again\n';
  return Buffer.from(line.repeat(Math.ceil(CHUNK / line.length)).slice(0, CHUNK));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timeMs(run: () => void): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

/** Analysis (hash + sniffing + text counting) against hashing alone, the least any analysis does. */
function analysisThroughput(): { baselineMiBs: number; analyserMiBs: number } {
  const chunk = textChunk();
  const chunks = TEXT_SIZE / CHUNK;
  const baseline: number[] = [];
  const analyser: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    baseline.push(
      timeMs(() => {
        const hash = createHash('sha256');
        for (let index = 0; index < chunks; index += 1) hash.update(chunk);
        hash.digest('hex');
      }),
    );
    analyser.push(
      timeMs(() => {
        const analysis = new ContentAnalyser();
        for (let index = 0; index < chunks; index += 1) analysis.update(chunk);
        analysis.finish();
      }),
    );
  }
  const mib = TEXT_SIZE / MiB;
  return { baselineMiBs: mib / (median(baseline) / 1000), analyserMiBs: mib / (median(analyser) / 1000) };
}

function generatedBody(size: number): Readable {
  const chunk = Buffer.alloc(CHUNK, 0x61);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) return this.push(null);
      sent += CHUNK;
      this.push(chunk);
    },
  });
}

async function peakRssDuring(work: () => Promise<void>): Promise<number> {
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  return (peak - before) / MiB;
}

async function bufferWholeBody(dir: string): Promise<void> {
  const parts: Buffer[] = [];
  for await (const part of generatedBody(UPLOAD_SIZE)) parts.push(Buffer.from(part as Buffer));
  fs.writeFileSync(path.join(dir, 'buffered'), Buffer.concat(parts));
}

function saveThrough(blobs: BlobStore, sql: SqlClient): () => Promise<void> {
  const store = new FileStore(blobs, new SqlStoredFileRepository(sql));
  return async () => {
    await store.save(generatedBody(UPLOAD_SIZE), { contentType: 'text/plain', limitBytes: UPLOAD_SIZE });
  };
}

/** The S3 store against a fresh bucket on the bench's server, or why there is none. */
async function measureS3(sql: SqlClient): Promise<{ mib: number; server: string } | string> {
  const server = await benchS3Server();
  if (typeof server === 'string') return server;
  const settings: S3Settings = {
    bucket: `durable-jobs-bench-${randomUUID().slice(0, 8)}`,
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    prefix: '',
  };
  const client = createS3Client(settings);
  try {
    await client.send(new CreateBucketCommand({ Bucket: settings.bucket }));
    const blobs = new S3BlobStore(client, settings);
    // One small multipart write first, so the SDK's lazily loaded code is not counted as upload memory.
    await blobs.write('warm-up', generatedBody(2 * PART_SIZE), 2 * PART_SIZE);
    const mib = await peakRssDuring(saveThrough(blobs, sql));
    const listed = await client.send(new ListObjectsV2Command({ Bucket: settings.bucket }));
    for (const object of listed.Contents ?? []) {
      await client.send(new DeleteObjectCommand({ Bucket: settings.bucket, Key: object.Key }));
    }
    await client.send(new DeleteBucketCommand({ Bucket: settings.bucket }));
    return { mib, server: server.description };
  } finally {
    client.destroy();
    await server.stop();
  }
}

/**
 * Memory held while storing an upload: streaming into each store against reading the body into a
 * Buffer. The stores run first, so the baseline's freed memory cannot hide their own growth.
 */
async function intakeMemory(): Promise<{
  bufferedMiB: number;
  localMiB: number;
  s3: { mib: number; server: string } | string;
}> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-bench-'));
  const sql = openSqliteClient(path.join(dir, 'bench.sqlite'));
  try {
    const localMiB = await peakRssDuring(saveThrough(new LocalBlobStore(path.join(dir, 'files')), sql));
    const s3 = await measureS3(sql);
    const bufferedMiB = await peakRssDuring(() => bufferWholeBody(dir));
    return { bufferedMiB, localMiB, s3 };
  } finally {
    await sql.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function memoryRow(store: string, how: string, mib: number, bufferedMiB: number) {
  return {
    measure: `memory storing a ${UPLOAD_SIZE / MiB} MiB upload, ${store}`,
    baseline: `buffer whole body: +${bufferedMiB.toFixed(0)} MiB RSS`,
    ours: `${how}: +${mib.toFixed(0)} MiB RSS`,
    ratio: `${(mib / Math.max(bufferedMiB, 1)).toFixed(3)}x the baseline's memory`,
  };
}

async function main(): Promise<void> {
  const speed = analysisThroughput();
  const memory = await intakeMemory();
  console.log(`durable-jobs bench (${os.cpus().length} cores, node ${process.version})\n`);
  console.table([
    {
      measure: `analysis of ${TEXT_SIZE / MiB} MiB text`,
      baseline: `sha256 only: ${speed.baselineMiBs.toFixed(0)} MiB/s`,
      ours: `${speed.analyserMiBs.toFixed(0)} MiB/s`,
      ratio: `${(speed.analyserMiBs / speed.baselineMiBs).toFixed(2)}x the baseline's speed`,
    },
    memoryRow('local disk', 'stream to disk', memory.localMiB, memory.bufferedMiB),
    typeof memory.s3 === 'string'
      ? {
          measure: `memory storing a ${UPLOAD_SIZE / MiB} MiB upload, S3`,
          ours: `not measured: ${memory.s3}`,
        }
      : memoryRow(
          `S3 (${memory.s3.server})`,
          `multipart, ${PART_SIZE / MiB} MiB parts, ${DEFAULT_PART_LIMITS.queueSize} in flight`,
          memory.s3.mib,
          memory.bufferedMiB,
        ),
  ]);
}

/** `npm run bench` runs every section; `npm run bench -- <section>` (or BENCH_ONLY) runs one. */
const SECTIONS: Record<string, () => Promise<unknown>> = {
  uploads: main,
  http: benchHttpAdapters,
  throughput: runThroughputSection,
};

async function runSections(): Promise<void> {
  const only = process.env.BENCH_ONLY || process.argv[2];
  if (only !== undefined && !(only in SECTIONS)) {
    throw new Error(`no bench section '${only}'; the sections are ${Object.keys(SECTIONS).join(', ')}`);
  }
  for (const [name, run] of Object.entries(SECTIONS)) if (only === undefined || only === name) await run();
}

runSections().catch((error) => {
  console.error(error);
  process.exit(1);
});
