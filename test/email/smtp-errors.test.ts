import { ServiceError } from '@temporalio/client';
import { isTemporalConnectionFailure } from '../../src/temporal/errors';
import { classifySmtpError } from '../../src/email/smtp-errors';

function smtpError(fields: Record<string, unknown>, message = 'failed'): Error {
  return Object.assign(new Error(message), fields);
}

describe('SMTP error classification', () => {
  it.each([
    [smtpError({ code: 'ESOCKET' }, 'connect ECONNREFUSED 127.0.0.1:25')],
    [smtpError({ code: 'ETIMEDOUT' }, 'Connection timeout')],
    [smtpError({ code: 'EMESSAGE', responseCode: 421, response: '421 4.3.2 Try later' })],
    [smtpError({ code: 'EENVELOPE', responseCode: 452, response: '452 4.2.2 Mailbox full' })],
  ])('%s is retryable', (error) => {
    const failure = classifySmtpError(error);
    expect(failure.type).toBe('SmtpTransientFailure');
    expect(failure.nonRetryable).toBe(false);
  });

  it.each([
    [smtpError({ code: 'EENVELOPE', responseCode: 550, response: '550 5.1.1 Mailbox unavailable' })],
    [smtpError({ code: 'EAUTH', responseCode: 535, response: '535 Authentication failed' })],
    [smtpError({ code: 'EENVELOPE' }, 'No recipients defined')],
  ])('%s is permanent', (error) => {
    const failure = classifySmtpError(error);
    expect(failure.type).toBe('SmtpPermanentFailure');
    expect(failure.nonRetryable).toBe(true);
  });

  it('keeps the SMTP reply in the message', () => {
    const failure = classifySmtpError(
      smtpError(
        { responseCode: 421, response: '421 4.3.2 Try later' },
        'Message failed: 421 4.3.2 Try later',
      ),
    );
    expect(failure.message).toContain('421 4.3.2 Try later');
  });
});

describe('Temporal connection failures', () => {
  it('are recognised inside the ServiceError the client wraps them in', () => {
    const unavailable = Object.assign(new Error('14 UNAVAILABLE: No connection established'), {
      code: 14,
      details: 'No connection established',
      metadata: {},
    });
    expect(
      isTemporalConnectionFailure(new ServiceError('Failed to start Workflow', { cause: unavailable })),
    ).toBe(true);
    expect(
      isTemporalConnectionFailure(new ServiceError('Failed to start Workflow', { cause: new Error('x') })),
    ).toBe(false);
  });
});
