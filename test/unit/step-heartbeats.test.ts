// A heartbeat is a write on the Temporal server: a step that ends within its first second sends
// none (its heartbeat timeout still runs from the attempt's start), a longer one heartbeats every
// second. Real SMTP, real files and database; the activity context is the SDK's mock.
import { Readable } from 'node:stream';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createEmailActivities } from '../../src/activities/email';
import { createUploadActivities } from '../../src/activities/upload';
import type { EmailDelivery } from '../../src/email/contracts';
import type { ContentAnalysis } from '../../src/files/content-analysis';
import { openServices, type Services } from '../../src/services';
import { testConfig } from '../helpers/config';
import { TestSmtpServer } from '../helpers/smtp-test-server';

/** Each delivery as a job of its own: the ledger sends once per job. */
const asJob = (workflowId: string) => ({ workflowExecution: { workflowId, runId: `${workflowId}-run` } });

const welcome = (to: string) => ({ to, template: 'welcome', params: { name: 'Hea Rtbeat' } });

describe('heartbeats of the steps', () => {
  let services: Services;
  let smtp: TestSmtpServer;
  let release: () => void = () => undefined;

  beforeAll(async () => {
    smtp = await TestSmtpServer.start({
      // The second message is held for 2.5 s before the server accepts it.
      holdData: (attempt) =>
        attempt === 2
          ? new Promise<void>((resolve) => {
              release = resolve;
              setTimeout(resolve, 2_500);
            })
          : undefined,
    });
    services = await openServices(testConfig({ smtpUrl: smtp.url }));
  });

  afterAll(async () => {
    release();
    await services.close();
    await smtp.stop();
  });

  function heartbeatsOf(env: MockActivityEnvironment): unknown[] {
    const seen: unknown[] = [];
    env.on('heartbeat', (details) => seen.push(details));
    return seen;
  }

  function emailActivities() {
    return createEmailActivities({
      mailFrom: 'jobs@example.com',
      sideEffects: services.sideEffects,
      mail: services.mail,
    });
  }

  it('sends none for a delivery the server accepts at once', async () => {
    const env = new MockActivityEnvironment(asJob('job-fast-delivery'));
    const heartbeats = heartbeatsOf(env);
    const delivery = (await env.run(
      emailActivities().deliverEmail,
      welcome('fast@example.com'),
    )) as EmailDelivery;
    expect(delivery.accepted).toEqual(['fast@example.com']);
    expect(heartbeats).toHaveLength(0);
  });

  it('heartbeats every second while the server holds the delivery', async () => {
    const env = new MockActivityEnvironment(asJob('job-slow-delivery'));
    const heartbeats = heartbeatsOf(env);
    const delivery = (await env.run(
      emailActivities().deliverEmail,
      welcome('slow@example.com'),
    )) as EmailDelivery;
    expect(delivery.accepted).toEqual(['slow@example.com']);
    expect(heartbeats.length).toBeGreaterThanOrEqual(2);
    expect(heartbeats.length).toBeLessThanOrEqual(3);
  });

  it('sends none for the analysis of a small file', async () => {
    const stored = await services.files.save(Readable.from([Buffer.from('a small file\n')]), {
      contentType: 'text/plain',
      limitBytes: 1024,
    });
    const env = new MockActivityEnvironment();
    const heartbeats = heartbeatsOf(env);
    const activities = createUploadActivities(services);
    const analysis: ContentAnalysis = await env.run(activities.analyseFile, {
      jobId: 'job-heartbeats',
      fileId: stored.fileId,
      expectedSha256: stored.sha256,
    });
    expect(analysis.size).toBe(13);
    expect(heartbeats).toHaveLength(0);
  });
});
