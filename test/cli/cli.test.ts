// The command-line client run as a child process (`bin/durable-jobs.js`, as `npx durable-jobs`
// runs it) against the real API listening on a loopback port, with a real worker behind it.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { closedPort } from '../helpers/ports';
import { JobsHarness } from '../helpers/jobs-harness';
import { WebhookReceiver } from '../helpers/webhook-receiver';

const BIN = path.join(__dirname, '..', '..', 'bin', 'durable-jobs.js');

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, ...env }, timeout: 50_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('durable-jobs command-line client', () => {
  let harness: JobsHarness;
  let receiver: WebhookReceiver;
  let api: string;
  let workDir: string;

  beforeAll(async () => {
    harness = await JobsHarness.start();
    receiver = await new WebhookReceiver().start();
    await harness.app.listen({ port: 0, host: '127.0.0.1' });
    api = `http://127.0.0.1:${(harness.app.server.address() as AddressInfo).port}`;
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-cli-'));
  });

  afterAll(async () => {
    await receiver?.stop();
    await harness?.stop();
  });

  function writeFile(name: string, content: string): string {
    const file = path.join(workDir, name);
    fs.writeFileSync(file, content);
    return file;
  }

  let uploadedJobId: string;

  it('upload streams the file, follows the job to its end and prints the result with its sha256', async () => {
    const content = 'the command line\nuploads this file\n';
    const file = writeFile('notes.txt', content);
    const run = await cli(['upload', file, '--api', api]);

    expect(run.stderr).toContain('job upload-');
    expect(run.code).toBe(0);
    const sha256 = createHash('sha256').update(content).digest('hex');
    expect(run.stdout).toContain('state:    completed');
    expect(run.stdout).toContain(`"sha256": "${sha256}"`);
    // Not a terminal: one progress line per change, ending at 100%.
    expect(run.stderr).toMatch(/100% completed \(done\)/);
    uploadedJobId = /job (upload-[\w-]+) started/.exec(run.stderr)![1]!;
  });

  it('status shows a job, as text and as JSON, with the API from DURABLE_JOBS_API', async () => {
    const text = await cli(['status', uploadedJobId], { DURABLE_JOBS_API: api });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`job:      ${uploadedJobId} (processUpload)`);
    expect(text.stdout).toContain('progress: 100% (done)');

    const json = await cli(['status', uploadedJobId, '--json', '--api', api]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      jobId: uploadedJobId,
      state: 'completed',
      progress: 100,
    });

    const watched = await cli(['status', uploadedJobId, '--watch', '--api', api]);
    expect(watched.code).toBe(0);
    expect(watched.stdout).toContain('state:    completed');
  });

  it('says in one line when a job does not exist', async () => {
    const run = await cli(['status', 'upload-missing', '--api', api]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe('error: Job not found (HTTP 404 NOT_FOUND)');
  });

  it('says in one line, without a stack trace, when the API is unreachable', async () => {
    const port = await closedPort();
    const run = await cli(['status', 'upload-x', '--api', `http://127.0.0.1:${port}`]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      `error: cannot reach the durable-jobs API at http://127.0.0.1:${port} (ECONNREFUSED)`,
    );
    expect(run.stdout).toBe('');
  });

  it('rejects unknown commands with usage and exit code 1', async () => {
    const run = await cli(['frobnicate', '--api', api]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error: unknown command "frobnicate"');
    expect(run.stderr).toContain('Usage: durable-jobs');
  });

  it('lists, shows, redrives and discards dead letters', async () => {
    receiver.answer([], 410);
    const first = await cli([
      'upload',
      writeFile('a.txt', 'first'),
      '--notify-url',
      receiver.url,
      '--api',
      api,
    ]);
    const second = await cli([
      'upload',
      writeFile('b.txt', 'second'),
      '--notify-url',
      receiver.url,
      '--api',
      api,
    ]);
    expect(first.code).toBe(2);
    expect(first.stdout).toContain('state:    dead_lettered');
    expect(second.code).toBe(2);
    const firstJob = /job (upload-[\w-]+) started/.exec(first.stderr)![1]!;
    const secondJob = /job (upload-[\w-]+) started/.exec(second.stderr)![1]!;

    const list = await cli(['dead-letters', 'list', '--type', 'processUpload', '--api', api]);
    expect(list.code).toBe(0);
    const lineOf = (jobId: string) => list.stdout.split('\n').find((line) => line.includes(jobId));
    expect(lineOf(firstJob)).toContain('notifyWebhook');
    expect(lineOf(secondJob)).toContain('answered 410');
    const firstId = lineOf(firstJob)!.split('  ')[0]!;
    const secondId = lineOf(secondJob)!.split('  ')[0]!;

    const shown = await cli(['dead-letters', 'show', firstId, '--api', api]);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      id: firstId,
      jobId: firstJob,
      jobType: 'processUpload',
    });

    receiver.answer([], 200);
    const redriven = await cli(['dead-letters', 'redrive', firstId, '--api', api]);
    expect(redriven.code).toBe(0);
    const newJob = /^redriven as job (\S+)$/m.exec(redriven.stdout)![1]!;
    await harness.waitForJob(newJob);
    expect((await harness.status(newJob)).state).toBe('completed');

    const discarded = await cli(['dead-letters', 'discard', secondId, '--api', api]);
    expect(discarded.code).toBe(0);
    expect(discarded.stdout.trim()).toBe(`discarded ${secondId}`);
    const gone = await cli(['dead-letters', 'show', secondId, '--api', api]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('HTTP 404');
  });
});
