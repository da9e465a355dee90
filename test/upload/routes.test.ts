import { JobsHarness } from '../helpers/jobs-harness';

describe('POST /upload and GET /jobs/:id: requests', () => {
  let harness: JobsHarness;

  beforeAll(async () => {
    harness = await JobsHarness.start();
  });

  afterAll(async () => {
    await harness?.stop();
  });

  const postUpload = (payload: unknown, headers: Record<string, string> = {}) =>
    harness.app.inject({
      method: 'POST',
      url: '/upload',
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      headers: { 'content-type': 'application/json', ...headers },
    });

  it('answers 202 with the job id and status URL, without waiting for the work', async () => {
    const { fileId } = await harness.uploadFile('accepted', 'text/plain');
    const response = await postUpload({ fileId });

    expect(response.statusCode).toBe(202);
    const body = response.json();
    expect(body).toEqual({
      status: 'queued',
      jobId: expect.stringMatching(/^upload-/),
      statusUrl: `/jobs/${body.jobId}`,
    });
    await harness.waitForJob(body.jobId);
  });

  it.each([
    [{}, 'fileId'],
    [{ fileId: 42 }, 'fileId'],
    [{ fileId: 'x', notifyUrl: 'not a url' }, 'notifyUrl'],
    [{ fileId: 'x', notifyUrl: 'ftp://example.test/hook' }, 'notifyUrl'],
    [{ fileId: 'x', notifyEmail: 'not-an-address' }, 'notifyEmail'],
    [{ fileId: 'x', surprise: true }, 'surprise'],
  ])('answers 400 naming the field for %j', async (payload, field) => {
    const response = await postUpload(payload);

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', field });
    expect(response.json().error).toContain(field);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const response = await postUpload('{"fileId": ');
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatch(/JSON/);
  });

  it('answers 415 for a body that is not declared as JSON', async () => {
    const response = await harness.app.inject({
      method: 'POST',
      url: '/upload',
      payload: 'fileId=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.statusCode).toBe(415);
  });

  it('answers 404 for an unknown fileId', async () => {
    const response = await postUpload({ fileId: '00000000-0000-4000-8000-000000000000' });

    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({
      error: 'File not found',
      fileId: '00000000-0000-4000-8000-000000000000',
    });
  });

  it('returns the same job for a retried request with the same Idempotency-Key, and a new one for a new key', async () => {
    const { fileId } = await harness.uploadFile('only once', 'text/plain');
    const first = await postUpload({ fileId }, { 'idempotency-key': 'client-request-1' });
    const jobId = first.json().jobId;
    const firstRunId = (await harness.env.client.workflow.getHandle(jobId).describe()).runId;
    const retried = await postUpload({ fileId }, { 'idempotency-key': 'client-request-1' });
    await harness.waitForJob(jobId);
    const afterCompletion = await postUpload({ fileId }, { 'idempotency-key': 'client-request-1' });
    const otherKey = await postUpload({ fileId }, { 'idempotency-key': 'client-request-2' });

    expect([retried.statusCode, afterCompletion.statusCode]).toEqual([202, 202]);
    expect(retried.json().jobId).toBe(jobId);
    expect(afterCompletion.json().jobId).toBe(jobId);
    expect(otherKey.json().jobId).not.toBe(jobId);
    // Still the first run, and finished: no second run was started under the same id.
    const latest = await harness.env.client.workflow.getHandle(jobId).describe();
    expect(latest.runId).toBe(firstRunId);
    expect(latest.status.name).toBe('COMPLETED');
    await harness.waitForJob(otherKey.json().jobId);
  });

  it('GET /jobs/:id answers 404 with the job id for an unknown job', async () => {
    for (const url of ['/jobs/upload-does-not-exist', '/jobs/upload-does-not-exist/status']) {
      const response = await harness.app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({
        error: 'Job not found',
        code: 'NOT_FOUND',
        jobId: 'upload-does-not-exist',
      });
    }
  });

  it('GET /jobs/:id/status is the same as GET /jobs/:id', async () => {
    const { fileId } = await harness.uploadFile('alias', 'text/plain');
    const jobId = await harness.startProcessing({ fileId });
    await harness.waitForJob(jobId);

    const direct = await harness.app.inject({ method: 'GET', url: `/jobs/${jobId}` });
    const alias = await harness.app.inject({ method: 'GET', url: `/jobs/${jobId}/status` });
    expect(alias.json()).toEqual(direct.json());
  });
});
