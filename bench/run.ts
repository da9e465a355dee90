// `npm run bench`: speed and memory of the upload path, each as a ratio against a baseline run in
// the same process on the same data. Prints a table; asserts nothing.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ContentAnalyser } from '../src/files/content-analysis';
import { FileStore } from '../src/files/file-store';
import { openSqliteClient } from '../src/db/sqlite-client';
import { SqlStoredFileRepository } from '../src/files/stored-file-repository';

const MiB = 1024 * 1024;
const TEXT_SIZE = 64 * MiB;
const UPLOAD_SIZE = 256 * MiB;
const CHUNK = MiB;
const ROUNDS = 3;

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

/** Memory held while storing an upload: streaming intake against reading the body into a Buffer. */
async function intakeMemory(): Promise<{ bufferedMiB: number; streamedMiB: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-bench-'));
  const sql = openSqliteClient(path.join(dir, 'bench.sqlite'));
  const store = new FileStore(path.join(dir, 'files'), new SqlStoredFileRepository(sql));
  const peakDuring = async (work: () => Promise<void>): Promise<number> => {
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    await work();
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    return (peak - before) / MiB;
  };
  try {
    const bufferedMiB = await peakDuring(async () => {
      const parts: Buffer[] = [];
      for await (const part of generatedBody(UPLOAD_SIZE)) parts.push(Buffer.from(part as Buffer));
      fs.writeFileSync(path.join(dir, 'buffered'), Buffer.concat(parts));
    });
    const streamedMiB = await peakDuring(async () => {
      await store.save(generatedBody(UPLOAD_SIZE), { contentType: 'text/plain', limitBytes: UPLOAD_SIZE });
    });
    return { bufferedMiB, streamedMiB };
  } finally {
    await sql.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
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
    {
      measure: `memory storing a ${UPLOAD_SIZE / MiB} MiB upload`,
      baseline: `buffer whole body: +${memory.bufferedMiB.toFixed(0)} MiB RSS`,
      ours: `stream to disk: +${memory.streamedMiB.toFixed(0)} MiB RSS`,
      ratio: `${(memory.streamedMiB / Math.max(memory.bufferedMiB, 1)).toFixed(3)}x the baseline's memory`,
    },
  ]);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
