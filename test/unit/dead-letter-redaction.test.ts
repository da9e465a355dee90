import type { DeadLetter } from '../../src/dead-letters/dead-letter-store';
import {
  checkRedactedFieldsSupplied,
  redactDeadLetter,
  redactedFields,
  RedactedInputMissing,
  REDACTED,
} from '../../src/dead-letters/redaction';

function entry(overrides: Partial<DeadLetter>): DeadLetter {
  return {
    id: 'dl-1',
    jobId: 'email-1',
    runId: 'run-1',
    jobType: 'sendEmail',
    input: {},
    errorType: 'SmtpPermanentFailure',
    errorMessage: 'failed',
    failedStep: 'deliverEmail',
    attempts: [],
    jobStartedAt: null,
    failedAt: '2030-01-01T00:00:00.000Z',
    status: 'pending',
    redrivenJobId: null,
    redrivenAt: null,
    redrivenBy: null,
    redriveChanges: null,
    redactedAt: null,
    failedRedrives: 0,
    lastRedriveFailure: null,
    ...overrides,
  };
}

describe('dead-letter redaction', () => {
  it('replaces an e-mail’s address and parameters, keeping the template, and cuts them out of messages', () => {
    const reset = 'https://app.example/reset?token=abc123secret';
    const parts = redactDeadLetter(
      entry({
        input: {
          to: 'Ann.Lee@example.com',
          template: 'password-reset',
          params: { name: 'Ann Lee', resetUrl: reset },
        },
        errorMessage: '550 5.1.1 <Ann.Lee@example.com>: mailbox unavailable',
        attempts: [
          {
            step: 'renderEmail',
            attempts: 1,
            errorType: null,
            message: `bad link ${reset} for Ann Lee`,
            failedAt: null,
          },
        ],
        failedRedrives: 1,
        lastRedriveFailure: {
          by: 'ops',
          at: '2030-01-02T00:00:00.000Z',
          error: 'Ann.Lee@example.com bounced',
        },
      }),
    );
    expect(parts.input).toEqual({ to: REDACTED, template: 'password-reset', params: REDACTED });
    expect(parts.errorMessage).toBe(`550 5.1.1 <${REDACTED}>: mailbox unavailable`);
    expect(parts.attempts[0]?.message).toBe(`bad link ${REDACTED} for ${REDACTED}`);
    expect(parts.lastRedriveFailure).toEqual({
      by: 'ops',
      at: '2030-01-02T00:00:00.000Z',
      error: `${REDACTED} bounced`,
    });
  });

  it('replaces an upload’s notification targets but keeps the file it needs for a redrive', () => {
    const parts = redactDeadLetter(
      entry({
        jobType: 'processUpload',
        input: {
          fileId: 'f-1',
          sha256: 'ab',
          notifyUrl: 'https://hooks.example/t/XYZ',
          notifyEmail: 'b@example.org',
        },
        errorMessage: 'Webhook https://hooks.example/t/XYZ answered 410',
      }),
    );
    expect(parts.input).toEqual({ fileId: 'f-1', sha256: 'ab', notifyUrl: REDACTED, notifyEmail: REDACTED });
    expect(parts.errorMessage).toBe(`Webhook ${REDACTED} answered 410`);
  });

  it('leaves out fields that were absent, and redacts the whole input of an unknown job type', () => {
    expect(redactDeadLetter(entry({ jobType: 'processUpload', input: { fileId: 'f-2' } })).input).toEqual({
      fileId: 'f-2',
    });
    expect(redactDeadLetter(entry({ jobType: 'somethingOld', input: { secret: 's' } })).input).toBe(REDACTED);
  });

  it('asks a redrive of a redacted entry for every redacted field, and takes null as supplied', () => {
    const redacted = entry({
      input: { to: REDACTED, template: 'welcome', params: REDACTED },
      redactedAt: 'x',
    });
    expect(redactedFields(redacted)).toEqual(['to', 'params']);
    expect(() => checkRedactedFieldsSupplied(redacted, undefined)).toThrow(RedactedInputMissing);
    expect(() => checkRedactedFieldsSupplied(redacted, { to: 'a@example.com' })).toThrow(/params/);
    expect(() => checkRedactedFieldsSupplied(redacted, { to: 'a@example.com', params: null })).not.toThrow();
    // Not redacted: nothing to supply, even if a value happens to look like the marker.
    expect(() => checkRedactedFieldsSupplied({ ...redacted, redactedAt: null }, undefined)).not.toThrow();
  });
});
