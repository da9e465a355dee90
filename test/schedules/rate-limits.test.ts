// JOB_RATE_LIMITS: parsed and refused by name, and enforced by the worker on a job type's steps.
import { ConfigError, loadConfig } from '../../src/config';
import type { JobActivities } from '../../src/activities';
import { parseJobRateLimits } from '../../src/jobs/rate-limits';
import { StartSpacer } from '../../src/temporal/job-rate-limiter';
import { JobsHarness } from '../helpers/jobs-harness';
import { createLocalEnv } from '../helpers/temporal-env';

describe('JOB_RATE_LIMITS', () => {
  it('reads rates per second, minute and hour', () => {
    expect(loadConfig({ JOB_RATE_LIMITS: 'sendEmail:10/s, processUpload:30/m' }).jobRateLimits).toEqual({
      sendEmail: 10,
      processUpload: 0.5,
    });
    expect(parseJobRateLimits('sendEmail:36/h')).toEqual({ sendEmail: 0.01 });
    expect(loadConfig({}).jobRateLimits).toEqual({});
  });

  it.each([
    'sendEmail',
    'sendEmail:10',
    'fax:1/s',
    'sendEmail:0/s',
    'sendEmail:1/s,sendEmail:2/s',
    'sendEmail:1/d',
  ])('refuses %s naming the variable', (value) => {
    expect(() => loadConfig({ JOB_RATE_LIMITS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ JOB_RATE_LIMITS: value })).toThrow('Invalid configuration: JOB_RATE_LIMITS ');
  });

  it('spaces starts evenly at the rate', () => {
    const spacer = new StartSpacer(4);
    expect([0, 0, 0, 0].map(() => spacer.reserve(1_000))).toEqual([0, 250, 500, 750]);
    expect(spacer.reserve(3_000)).toBe(0);
  });
});

describe('a rate-limited job type on the worker', () => {
  let harness: JobsHarness;
  const starts: number[] = [];

  /** Records when each step of an upload job begins, after the limiter let it. */
  function recordStarts(activities: JobActivities): JobActivities {
    const analyseFile = activities.analyseFile;
    return { ...activities, analyseFile: (...args) => (starts.push(Date.now()), analyseFile(...args)) };
  }

  beforeAll(async () => {
    // The real server: the limiter waits in real time, which a time-skipping server would skip past.
    harness = await JobsHarness.start({
      createEnv: () => createLocalEnv(),
      config: { jobRateLimits: { processUpload: 2 } },
      wrapActivities: recordStarts,
    });
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it('starts the steps of that type no faster than the rate', async () => {
    const jobIds: string[] = [];
    for (let index = 0; index < 4; index += 1) {
      const { fileId } = await harness.uploadFile(`limited,${index}\n`, 'text/csv');
      jobIds.push(await harness.startProcessing({ fileId }));
    }
    await Promise.all(jobIds.map((jobId) => harness.waitForJob(jobId)));
    for (const jobId of jobIds) expect((await harness.status(jobId)).state).toBe('completed');
    // Two steps a second across every step of the type: consecutive analyses at least ~0.5 s apart
    // (retried attempts, if any, take their turn too).
    starts.sort((a, b) => a - b);
    expect(starts.length).toBeGreaterThanOrEqual(4);
    const gaps = starts.slice(1).map((start, index) => start - starts[index]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(450);
  });
});
