// `durable-jobs schedules …` as a child process against the real API on a loopback port, on the
// real dev server (schedules need it): create, list, show, trigger, pause, resume, delete.
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { cli } from '../helpers/cli';
import { JobsHarness } from '../helpers/jobs-harness';
import { createLocalEnv } from '../helpers/temporal-env';

describe('durable-jobs schedules', () => {
  let harness: JobsHarness;
  let api: string;

  beforeAll(async () => {
    harness = await JobsHarness.start({ createEnv: () => createLocalEnv() });
    await harness.app.listen({ port: 0, host: '127.0.0.1' });
    api = `http://127.0.0.1:${(harness.app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await harness?.stop();
  });

  const run = (...args: string[]) => cli(['schedules', ...args, '--api', api]);

  it('creates, shows, lists, triggers, pauses, resumes and deletes a schedule', async () => {
    const { fileId } = await harness.uploadFile('cli,schedule\n', 'text/csv');
    const created = await run(
      'create',
      'cli-daily',
      '--type',
      'processUpload',
      '--input',
      JSON.stringify({ fileId }),
      '--cron',
      '30 4 * * *',
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('runs:      cron 30 4 * * *, overlap skip');
    expect(created.stdout).toMatch(/next runs: \S+T04:30:00/);

    const taken = await run(
      'create',
      'cli-daily',
      '--type',
      'processUpload',
      '--input',
      JSON.stringify({ fileId }),
      '--every',
      '1h',
    );
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('A schedule with this id already exists');

    expect((await run('trigger', 'cli-daily')).stdout).toContain('triggered cli-daily');
    let shown = await run('show', 'cli-daily', '--json');
    for (let tries = 0; JSON.parse(shown.stdout).recentJobs.length === 0 && tries < 60; tries += 1) {
      await sleep(250);
      shown = await run('show', 'cli-daily', '--json');
    }
    expect(JSON.parse(shown.stdout).recentJobs[0].jobId).toMatch(/^upload-schedule-cli-daily-/);

    let listed = await run('list');
    for (let tries = 0; !listed.stdout.includes('cli-daily') && tries < 60; tries += 1) {
      await sleep(250);
      listed = await run('list');
    }
    expect(listed.stdout).toMatch(/cli-daily\s+processUpload\s+cron 30 4 \* \* \*\s+active/);

    expect((await run('pause', 'cli-daily', '--note', 'holiday')).stdout).toContain(
      'state:     paused (holiday)',
    );
    expect((await run('resume', 'cli-daily')).stdout).toMatch(/state: +active/);
    expect((await run('delete', 'cli-daily')).stdout).toContain('deleted cli-daily');
    const gone = await run('show', 'cli-daily');
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('Schedule not found');
  });

  it('refuses a create without exactly one of --cron and --every, before calling the API', async () => {
    const neither = await run('create', 'x', '--type', 'sendEmail', '--input', '{}');
    expect(neither.code).toBe(1);
    expect(neither.stderr).toContain('give one of --cron and --every');
    const badOverlap = await run(
      'create',
      'x',
      '--type',
      'sendEmail',
      '--input',
      '{}',
      '--every',
      '1h',
      '--overlap',
      'sometimes',
    );
    expect(badOverlap.code).toBe(1);
    expect(badOverlap.stderr).toContain('--overlap must be one of skip, bufferOne');
  });
});
