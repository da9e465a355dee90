import { useUploadSuite } from '../helpers/jobs-harness';

describe('the dead-letter API', () => {
  const suite = useUploadSuite();

  const inject = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
    suite.harness.app.inject({
      method,
      url,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  /** A real upload job that the webhook suite.receiver rejects (410, non-retryable): dead-lettered at once. */
  async function deadLetteredUpload(
    label: string,
  ): Promise<{ jobId: string; deadLetterId: string; fileId: string }> {
    suite.receiver.answer([], 410);
    const { fileId } = await suite.harness.uploadFile(label, 'text/plain');
    const jobId = await suite.harness.startProcessing({ fileId, notifyUrl: suite.receiver.url });
    await suite.harness.waitForJob(jobId);
    suite.receiver.answer([], 200);
    const { items } = await suite.harness.testApp.services.deadLetters.list({ limit: 100 });
    const entry = items.find((item) => item.jobId === jobId);
    if (!entry) throw new Error(`no dead letter for ${jobId}`);
    return { jobId, deadLetterId: entry.id, fileId };
  }

  it('redrives an entry once its cause is fixed: a new job completes and the entry points at it', async () => {
    const { deadLetterId, jobId: failedJobId } = await deadLetteredUpload('redrive me');

    const response = await inject('POST', `/dead-letters/${deadLetterId}/redrive`);
    expect(response.statusCode).toBe(202);
    const { jobId } = response.json();
    expect(jobId).not.toBe(failedJobId);
    await suite.harness.waitForJob(jobId);

    expect((await suite.harness.status(jobId)).state).toBe('completed');
    expect(suite.receiver.deliveriesFor(jobId)).toHaveLength(1);
    const entry = (await inject('GET', `/dead-letters/${deadLetterId}`)).json();
    expect(entry).toMatchObject({ status: 'redriven', redrivenJobId: jobId });

    const again = await inject('POST', `/dead-letters/${deadLetterId}/redrive`);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'CONFLICT', redrivenJobId: jobId });
  });

  it('redrives with a corrected input, checked like a new request', async () => {
    const { deadLetterId } = await deadLetteredUpload('wrong hook');
    const fixedUrl = `${suite.receiver.url}?fixed=1`;

    const invalid = await inject('POST', `/dead-letters/${deadLetterId}/redrive`, {
      input: { notifyUrl: 'ftp://nope' },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toMatchObject({ field: 'notifyUrl' });
    expect((await inject('GET', `/dead-letters/${deadLetterId}`)).json()).toMatchObject({
      status: 'pending',
      failedRedrives: 1,
      lastRedriveFailure: {
        by: 'anonymous',
        at: expect.any(String),
        error: expect.stringMatching(/notifyUrl/),
      },
    });

    const response = await inject('POST', `/dead-letters/${deadLetterId}/redrive`, {
      input: { notifyUrl: fixedUrl },
    });
    expect(response.statusCode).toBe(202);
    const { jobId } = response.json();
    await suite.harness.waitForJob(jobId);
    expect((await suite.harness.status(jobId)).state).toBe('completed');
    expect(suite.receiver.deliveriesFor(jobId).map((delivery) => delivery.path)).toEqual([
      '/hooks/upload?fixed=1',
    ]);
    expect((await suite.harness.testApp.services.deadLetters.get(deadLetterId))?.redrivenJobId).toBe(jobId);
  });

  it('lists newest first, filters by job type and pages with a cursor', async () => {
    const store = suite.harness.testApp.services.deadLetters;
    const base = Date.parse('2030-01-01T00:00:00Z');
    for (let index = 0; index < 5; index += 1) {
      store.record(
        {
          jobId: `email-listing-${index}`,
          runId: 'run',
          jobType: 'sendEmail',
          input: { to: 'x@example.com', template: 'welcome', params: { name: 'X' } },
          errorType: 'SmtpPermanentFailure',
          errorMessage: '550 no such mailbox',
          failedStep: 'deliverEmail',
          attempts: [],
          jobStartedAt: null,
        },
        new Date(base + index * 1000),
      );
    }

    const first = await inject('GET', '/dead-letters?jobType=sendEmail&limit=2');
    expect(first.statusCode).toBe(200);
    expect(first.json().items.map((item: { jobId: string }) => item.jobId)).toEqual([
      'email-listing-4',
      'email-listing-3',
    ]);
    const second = await inject(
      'GET',
      `/dead-letters?jobType=sendEmail&limit=2&cursor=${first.json().nextCursor}`,
    );
    expect(second.json().items.map((item: { jobId: string }) => item.jobId)).toEqual([
      'email-listing-2',
      'email-listing-1',
    ]);
    const third = await inject(
      'GET',
      `/dead-letters?jobType=sendEmail&limit=2&cursor=${second.json().nextCursor}`,
    );
    expect(third.json()).toMatchObject({ items: [{ jobId: 'email-listing-0' }], nextCursor: null });

    const uploads = await inject('GET', '/dead-letters?jobType=processUpload&limit=100');
    expect(uploads.json().items.every((item: { jobType: string }) => item.jobType === 'processUpload')).toBe(
      true,
    );
  });

  it('rejects bad list parameters with a 400 naming the field', async () => {
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=abc', 'limit'],
      ['jobType=nope', 'jobType'],
      ['cursor=garbage', 'cursor'],
    ]) {
      const response = await inject('GET', `/dead-letters?${query}`);
      expect(response.statusCode).toBe(400);
      expect(response.json().field).toBe(field);
    }
  });

  it('bulk-redrives a bounded batch and never the same entry twice, even when called concurrently', async () => {
    const created = [];
    for (let index = 0; index < 3; index += 1) created.push(await deadLetteredUpload(`bulk ${index}`));
    const pendingUploads = async () =>
      (
        await suite.harness.testApp.services.deadLetters.list({
          jobType: 'processUpload',
          status: 'pending',
          limit: 100,
        })
      ).items;
    const pendingBefore = (await pendingUploads()).length;
    expect(pendingBefore).toBeGreaterThanOrEqual(3);

    const bounded = await inject('POST', '/dead-letters/redrive', { jobType: 'processUpload', limit: 2 });
    expect(bounded.statusCode).toBe(202);
    expect(bounded.json().redriven).toHaveLength(2);
    expect(await pendingUploads()).toHaveLength(pendingBefore - 2);

    const [left, right] = await Promise.all([
      inject('POST', '/dead-letters/redrive', { jobType: 'processUpload', limit: 100 }),
      inject('POST', '/dead-letters/redrive', { jobType: 'processUpload', limit: 100 }),
    ]);
    const redrivenIds = [...left.json().redriven, ...right.json().redriven].map(
      (item: { deadLetterId: string }) => item.deadLetterId,
    );
    expect(new Set(redrivenIds).size).toBe(redrivenIds.length);
    expect(redrivenIds).toHaveLength(pendingBefore - 2);
    expect(await pendingUploads()).toHaveLength(0);

    const nothingLeft = await inject('POST', '/dead-letters/redrive', { jobType: 'processUpload' });
    expect(nothingLeft.json()).toEqual({ redriven: [], failed: [] });
    for (const { jobId } of [...bounded.json().redriven, ...left.json().redriven, ...right.json().redriven]) {
      await suite.harness.waitForJob(jobId);
      expect((await suite.harness.status(jobId)).state).toBe('completed');
    }
  });

  it('discards an entry; unknown ids are 404 everywhere', async () => {
    const { deadLetterId } = await deadLetteredUpload('discard me');

    expect((await inject('DELETE', `/dead-letters/${deadLetterId}`)).statusCode).toBe(204);
    for (const [method, url] of [
      ['GET', `/dead-letters/${deadLetterId}`],
      ['DELETE', `/dead-letters/${deadLetterId}`],
      ['POST', `/dead-letters/${deadLetterId}/redrive`],
      ['GET', '/dead-letters/no-such-entry'],
    ] as const) {
      const response = await inject(method, url);
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ error: 'Dead letter not found', code: 'NOT_FOUND' });
    }
  });
});
