// `durable-jobs jobs list` and `durable-jobs cancel`, run as child processes against the real API
// on a loopback port, with a worker and the real dev server (its visibility lists the jobs).
import type { AddressInfo } from 'node:net';
import { cli } from '../helpers/cli';
import { HeldAnalysis } from '../helpers/held-analysis';
import { JobsHarness } from '../helpers/jobs-harness';
import { createLocalEnv } from '../helpers/temporal-env';

jest.setTimeout(120_000);

describe('durable-jobs jobs list and cancel', () => {
  const held = new HeldAnalysis();
  let harness: JobsHarness;
  let api: string;
  const jobs = { completed: '', running: '' };

  /** Visibility is eventually consistent: list until the running job shows. */
  async function listedJson(args: string[], done: (ids: string[]) => boolean) {
    for (let attempt = 0; ; attempt += 1) {
      const run = await cli(['jobs', 'list', '--json', ...args, '--api', api]);
      expect(run.code).toBe(0);
      const page = JSON.parse(run.stdout) as { items: { jobId: string; state: string }[] };
      if (done(page.items.map((item) => item.jobId)) || attempt >= 20) return page;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  beforeAll(async () => {
    harness = await JobsHarness.start({ createEnv: createLocalEnv, wrapActivities: held.wrap });
    await harness.app.listen({ port: 0, host: '127.0.0.1' });
    api = `http://127.0.0.1:${(harness.app.server.address() as AddressInfo).port}`;
    const { fileId } = await harness.uploadFile('listed by the command line', 'text/plain');
    jobs.completed = await harness.startProcessing({ fileId });
    await harness.waitForJob(jobs.completed);
    const { fileId: heldFile } = await harness.uploadFile('cancelled by the command line', 'text/plain');
    held.fileId = heldFile;
    jobs.running = await harness.startProcessing({ fileId: heldFile });
    await listedJson([], (ids) => ids.includes(jobs.running));
  });

  afterAll(async () => {
    held.release();
    await harness?.stop();
  });

  it('lists jobs in aligned columns under a header, newest first', async () => {
    const run = await cli(['jobs', 'list', '--api', api]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^JOB ID +TYPE +STATE +CREATED +FINISHED$/);
    for (const title of ['TYPE', 'STATE', 'CREATED', 'FINISHED']) {
      const column = lines[0]!.indexOf(title);
      for (const row of lines.slice(1)) expect(row[column - 1]).toBe(' ');
      for (const row of lines.slice(1)) expect(row[column]).not.toBe(' ');
    }
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(
      new RegExp(`^${jobs.running} +processUpload +running +\\d{4}-\\d\\d-\\d\\dT[\\d:]+Z +-$`),
    );
    expect(lines[2]).toMatch(new RegExp(`^${jobs.completed} +processUpload +completed +\\S+Z +\\S+Z$`));
  });

  it('filters by state and pages with --limit, telling how to get the next page', async () => {
    const completed = await listedJson(['--state', 'completed'], () => true);
    expect(completed.items.map((item) => item.jobId)).toEqual([jobs.completed]);
    const first = await cli(['jobs', 'list', '--limit', '1', '--api', api]);
    expect(first.stdout).toContain(jobs.running);
    expect(first.stdout).not.toContain(jobs.completed);
    const cursor = /--cursor (\S+)/.exec(first.stderr)?.[1];
    expect(cursor).toBeDefined();
    const second = await cli(['jobs', 'list', '--limit', '1', '--cursor', cursor!, '--api', api]);
    expect(second.stdout).toContain(jobs.completed);
    // Temporal gives a token whenever a page is full: the page after the last job is empty.
    const last = /--cursor (\S+)/.exec(second.stderr)?.[1];
    if (last) {
      const empty = await cli(['jobs', 'list', '--limit', '1', '--cursor', last, '--api', api]);
      expect(empty.stdout.trim()).toBe('no jobs');
      expect(empty.stderr).not.toContain('--cursor');
    }
    const none = await cli(['jobs', 'list', '--type', 'sendEmail', '--api', api]);
    expect(none.stdout.trim()).toBe('no jobs');
  });

  it('cancels a running job, then refuses to cancel it again', async () => {
    const run = await cli(['cancel', jobs.running, '--api', api]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`cancelling ${jobs.running}`);
    await harness.waitForJob(jobs.running);
    expect((await harness.status(jobs.running)).state).toBe('cancelled');

    const again = await cli(['cancel', jobs.running, '--api', api]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('Job has already finished (HTTP 409 CONFLICT)');
    const unknown = await cli(['cancel', 'upload-none', '--json', '--api', api]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('HTTP 404 NOT_FOUND');
  });
});
