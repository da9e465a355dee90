// One e-mail address rule: the request schemas, the template check and a redrive's corrected
// input all accept and refuse the same addresses.
import { Client, Connection } from '@temporalio/client';
import { isEmailAddress } from '../../src/email/address';
import { jobInputPreparers } from '../../src/jobs/job-inputs';
import { checkRequest, SendEmailRequest, UploadRequest } from '../../src/jobs/job-requests';
import type { FileStore } from '../../src/files/file-store';
import { WebhookDestinationPolicy } from '../../src/webhooks/destination-policy';
import { createTestApp, type TestApp } from '../helpers/app';
import { closedPort } from '../helpers/ports';
import { TRUSTED_ANONYMOUS } from '../../src/auth/caller';

const ACCEPTED = ['ann@example.com', 'jörg@example.com', 'a.b+c@mail.example.org'];
const REFUSED = [
  'not-an-address',
  'ann@example',
  'ann @example.com',
  'ann@exa,mple.com',
  '<ann@example.com>',
];

const CONTEXT = { caller: TRUSTED_ANONYMOUS, appOrigin: 'http://localhost:3000' };
const noFiles = { get: async () => undefined } as unknown as FileStore;
// No notifyUrl in these tests reaches it: nothing is resolved.
const webhookDestinations = new WebhookDestinationPolicy([], async () => {
  throw new Error('no name is resolved here');
});

describe('the e-mail address rule', () => {
  it.each(ACCEPTED)('accepts %s everywhere', async (address) => {
    expect(isEmailAddress(address)).toBe(true);
    expect(() => checkRequest(UploadRequest, { fileId: 'f', notifyEmail: address })).not.toThrow();
    expect(() => checkRequest(SendEmailRequest, { to: address, template: 'welcome' })).not.toThrow();
    const stored = { to: 'old@example.com', template: 'welcome', params: { name: 'Ann' } };
    await expect(
      jobInputPreparers({ files: noFiles, webhookDestinations }).sendEmail(stored, { to: address }, CONTEXT),
    ).resolves.toMatchObject({
      to: address,
    });
  });

  it.each(REFUSED)('refuses %s everywhere, naming the field', async (address) => {
    expect(isEmailAddress(address)).toBe(false);
    expect(() => checkRequest(UploadRequest, { fileId: 'f', notifyEmail: address })).toThrow(/'notifyEmail'/);
    expect(() => checkRequest(SendEmailRequest, { to: address, template: 'welcome' })).toThrow(/'to'/);
    const stored = { to: 'old@example.com', template: 'welcome', params: { name: 'Ann' } };
    await expect(
      jobInputPreparers({ files: noFiles, webhookDestinations }).sendEmail(stored, { to: address }, CONTEXT),
    ).rejects.toMatchObject({
      kind: 'invalidInput',
      details: { field: 'to' },
    });
  });

  it('a redrive correction of null removes the field before the schema checks the request', async () => {
    const stored = { fileId: 'f', notifyUrl: 'ftp://wrong', sha256: 'x', size: 1, contentType: 'text/plain' };
    const files = {
      get: async () => ({ sha256: 'x', size: 1, contentType: 'text/plain' }),
    } as unknown as FileStore;
    const preparers = jobInputPreparers({ files, webhookDestinations });
    await expect(preparers.processUpload(stored, undefined, CONTEXT)).rejects.toMatchObject({
      details: { field: 'notifyUrl' },
    });
    await expect(preparers.processUpload(stored, { notifyUrl: null }, CONTEXT)).resolves.toEqual({
      fileId: 'f',
      sha256: 'x',
      size: 1,
      contentType: 'text/plain',
    });
  });

  describe('over HTTP', () => {
    let temporal: Client;
    let testApp: TestApp;
    beforeAll(async () => {
      // These requests end before a job would start: no Temporal server is needed.
      temporal = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${await closedPort()}` }) });
      testApp = await createTestApp(temporal);
    });
    afterAll(async () => {
      await testApp?.close();
      await temporal?.connection.close();
    });

    it('POST /upload takes jörg@example.com as notifyEmail (then finds no such file)', async () => {
      const response = await testApp.app.inject({
        method: 'POST',
        url: '/upload',
        payload: { fileId: 'no-such-file', notifyEmail: 'jörg@example.com' },
      });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ code: 'NOT_FOUND', fileId: 'no-such-file' });
    });

    it('POST /upload refuses not-an-address as notifyEmail with a 400 naming it', async () => {
      const response = await testApp.app.inject({
        method: 'POST',
        url: '/upload',
        payload: { fileId: 'no-such-file', notifyEmail: 'not-an-address' },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'notifyEmail' });
    });
  });
});
