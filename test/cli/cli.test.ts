// The command-line client run as a child process (`bin/durable-jobs.js`, as `npx durable-jobs`
// runs it) against the real API listening on a loopback port, with a real worker behind it.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { cli } from '../helpers/cli';
import { closedPort } from '../helpers/ports';
import { JobsHarness } from '../helpers/jobs-harness';
import { WebhookReceiver } from '../helpers/webhook-receiver';

describe('durable-jobs command-line client', () => {
  let harness: JobsHarness;
  let receiver: WebhookReceiver;
  /** Where a redrive's corrected notifyUrl points: another allowed receiver, which accepts. */
  let accepting: WebhookReceiver;
  let api: string;
  let workDir: string;

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    accepting = await new WebhookReceiver().start();
    harness = await JobsHarness.start({
      config: { webhookAllowedHosts: [receiver.allowedHost, accepting.allowedHost] },
    });
    await harness.app.listen({ port: 0, host: '127.0.0.1' });
    api = `http://127.0.0.1:${(harness.app.server.address() as AddressInfo).port}`;
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-cli-'));
  });

  afterAll(async () => {
    await receiver?.stop();
    await accepting?.stop();
    await harness?.stop();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  function writeFile(name: string, content: string | Buffer): string {
    const file = path.join(workDir, name);
    fs.writeFileSync(file, content);
    return file;
  }

  const jobIdIn = (stderr: string) => /job (upload-[\w-]+) started/.exec(stderr)![1]!;

  /** Uploads a file whose webhook the receiver refuses with 410: a dead letter for the test. */
  async function deadLetteredUpload(name: string): Promise<string> {
    receiver.answer([], 410);
    const run = await cli(['upload', writeFile(name, name), '--notify-url', receiver.url, '--api', api]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('state:    dead_lettered');
    return jobIdIn(run.stderr);
  }

  async function deadLetterIdOf(jobId: string): Promise<string> {
    const page = JSON.parse(
      (await cli(['dead-letters', 'list', '--json', '--limit', '100', '--api', api])).stdout,
    ) as {
      items: { id: string; jobId: string }[];
    };
    return page.items.find((item) => item.jobId === jobId)!.id;
  }

  let uploadedJobId: string;

  it('upload shows bytes sent and the rate, then follows the job and prints the result with its sha256', async () => {
    const content = Buffer.alloc(3 * 1024 * 1024, 'the command line uploads this file\n');
    const file = writeFile('notes.txt', content);
    const run = await cli(['upload', file, '--api', api]);

    expect(run.code).toBe(0);
    // Not a terminal: a line per tenth of the file while it is sent, with the rate.
    const sending = run.stderr.split('\n').filter((line) => line.startsWith('uploading'));
    expect(sending.length).toBeGreaterThanOrEqual(3);
    expect(sending[0]).toMatch(/^uploading +\d+% [\d.]+ (B|KiB|MiB) of 3\.0 MiB, [\d.]+ (B|KiB|MiB|GiB)\/s$/);
    expect(sending.at(-1)).toMatch(/^uploading 100% 3\.0 MiB of 3\.0 MiB, /);
    expect(run.stderr).toContain(`uploaded notes.txt: ${content.length} bytes`);
    // Then the processing progress, ending at 100%.
    expect(run.stderr.indexOf('uploading 100%')).toBeLessThan(run.stderr.indexOf('job upload-'));
    expect(run.stderr).toMatch(/100% completed \(done\)/);
    const sha256 = createHash('sha256').update(content).digest('hex');
    expect(run.stdout).toContain('state:    completed');
    expect(run.stdout).toContain(`"sha256": "${sha256}"`);
    uploadedJobId = jobIdIn(run.stderr);
  });

  it('upload --json prints the final status as JSON', async () => {
    const run = await cli(['upload', writeFile('small.txt', 'json please\n'), '--json', '--api', api]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      state: 'completed',
      type: 'processUpload',
      progress: 100,
    });
  });

  it('status shows a job, as text and as JSON, with the API from DURABLE_JOBS_API', async () => {
    const text = await cli(['status', uploadedJobId], { env: { DURABLE_JOBS_API: api } });
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

  it('lists dead letters in aligned columns under a header, and as JSON', async () => {
    const firstJob = await deadLetteredUpload('a.txt');
    const secondJob = await deadLetteredUpload('b.txt');

    const list = await cli(['dead-letters', 'list', '--type', 'processUpload', '--api', api]);
    expect(list.code).toBe(0);
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID +TYPE +STATUS +FAILED AT +JOB +STEP +ERROR$/);
    for (const title of ['TYPE', 'STATUS', 'FAILED AT', 'JOB', 'STEP', 'ERROR']) {
      const column = lines[0]!.indexOf(title);
      for (const row of lines.slice(1)) expect(row[column - 1]).toBe(' ');
      for (const row of lines.slice(1)) expect(row[column]).not.toBe(' ');
    }
    const rowOf = (jobId: string) => lines.find((line) => line.includes(jobId))!;
    expect(rowOf(firstJob)).toMatch(/processUpload +pending .*notifyWebhook +.*answered 410/);
    expect(rowOf(secondJob)).toContain('notifyWebhook');

    const json = await cli(['dead-letters', 'list', '--json', '--api', api]);
    const page = JSON.parse(json.stdout) as { items: { jobId: string }[]; nextCursor: string | null };
    expect(page.items.map((item) => item.jobId)).toEqual(expect.arrayContaining([firstJob, secondJob]));
  });

  it('shows a dead letter as text with its attempts, and as JSON', async () => {
    const jobId = await deadLetteredUpload('shown.txt');
    const id = await deadLetterIdOf(jobId);

    const text = await cli(['dead-letters', 'show', id, '--api', api]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`job:         ${jobId} (processUpload)`);
    expect(text.stdout).toContain('error:       WebhookRejected: ');
    expect(text.stdout).toMatch(
      /attempts:\n +STEP +ATTEMPTS +ERROR TYPE +LAST FAILED AT +MESSAGE\n +notifyWebhook +1 +WebhookRejected/,
    );

    const json = await cli(['dead-letters', 'show', id, '--json', '--api', api]);
    expect(JSON.parse(json.stdout)).toMatchObject({ id, jobId, jobType: 'processUpload', status: 'pending' });
  });

  it('redrives with a corrected input read from a file, and from standard input', async () => {
    const fromFile = await deadLetterIdOf(await deadLetteredUpload('fix-by-file.txt'));
    const fromStdin = await deadLetterIdOf(await deadLetteredUpload('fix-by-stdin.txt'));
    // The original notifyUrl still refuses; the corrected one, another receiver, accepts.
    const corrected = { notifyUrl: accepting.url };

    const byFile = await cli([
      'dead-letters',
      'redrive',
      fromFile,
      '--input',
      writeFile('fix.json', JSON.stringify(corrected)),
      '--api',
      api,
    ]);
    expect(byFile.code).toBe(0);
    const byStdin = await cli(
      ['dead-letters', 'redrive', fromStdin, '--input', '-', '--json', '--api', api],
      {
        stdin: JSON.stringify(corrected),
      },
    );
    expect(byStdin.code).toBe(0);

    const jobs = [
      /^redriven as job (\S+)$/m.exec(byFile.stdout)![1]!,
      (JSON.parse(byStdin.stdout) as { jobId: string }).jobId,
    ];
    for (const jobId of jobs) {
      await harness.waitForJob(jobId);
      const status = await harness.status(jobId);
      expect(status.state).toBe('completed');
      expect(status.result).toMatchObject({ notified: { webhook: true } });
      expect(accepting.deliveriesFor(jobId)).toHaveLength(1);
    }
  });

  it('refuses a corrected input that is not a JSON object, and one the job type rejects', async () => {
    const id = await deadLetterIdOf(await deadLetteredUpload('bad-fix.txt'));
    const notJson = await cli(['dead-letters', 'redrive', id, '--input', '-', '--api', api], {
      stdin: '{nope',
    });
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toContain('error: --input: standard input is not JSON');
    const array = await cli(['dead-letters', 'redrive', id, '--input', '-', '--api', api], { stdin: '[1]' });
    expect(array.stderr).toContain('error: --input: must be a JSON object');
    const invalid = await cli(['dead-letters', 'redrive', id, '--input', '-', '--api', api], {
      stdin: '{"notifyUrl":"not a url"}',
    });
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/notifyUrl.*\(HTTP 400 /);
    // Refused inputs leave the entry pending, to be redriven properly.
    const entry = JSON.parse((await cli(['dead-letters', 'show', id, '--json', '--api', api])).stdout);
    expect(entry.status).toBe('pending');
  });

  it('bulk-redrives the pending dead letters of one type', async () => {
    const jobs = [await deadLetteredUpload('bulk-1.txt'), await deadLetteredUpload('bulk-2.txt')];
    const ids = await Promise.all(jobs.map(deadLetterIdOf));
    receiver.answer([], 200);

    const run = await cli([
      'dead-letters',
      'redrive',
      '--all',
      '--type',
      'processUpload',
      '--limit',
      '100',
      '--api',
      api,
    ]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^DEAD LETTER +OUTCOME +JOB OR ERROR$/);
    for (const id of ids) expect(lines.find((line) => line.startsWith(id))).toMatch(/ redriven +upload-/);

    const again = await cli([
      'dead-letters',
      'redrive',
      '--all',
      '--type',
      'processUpload',
      '--json',
      '--api',
      api,
    ]);
    expect(JSON.parse(again.stdout)).toEqual({ redriven: [], failed: [] });
  });

  it('discards a dead letter, as text and as JSON', async () => {
    const first = await deadLetterIdOf(await deadLetteredUpload('discard-1.txt'));
    const second = await deadLetterIdOf(await deadLetteredUpload('discard-2.txt'));

    const text = await cli(['dead-letters', 'discard', first, '--api', api]);
    expect(text.code).toBe(0);
    expect(text.stdout.trim()).toBe(`discarded ${first}`);
    const json = await cli(['dead-letters', 'discard', second, '--json', '--api', api]);
    expect(JSON.parse(json.stdout)).toEqual({ deadLetterId: second, discarded: true });

    const gone = await cli(['dead-letters', 'show', first, '--api', api]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('HTTP 404');
  });
});
