// Every transient failure of a Temporal call is "try again shortly" (503 with Retry-After), never a 500.
import { Metadata, status } from '@grpc/grpc-js';
import { httpErrorOf, TEMPORAL_RETRY_AFTER_SECONDS } from '../../src/api/errors';
import { createTemporalClient } from '../../src/temporal/client';
import { isTemporalConnectionFailure, temporalFailure } from '../../src/temporal/errors';
import { createTestApp, type TestApp } from '../helpers/app';
import { startRefusingFrontend } from '../helpers/cancelling-frontend';

/** What the client throws: a ServiceError wrapping the gRPC status error. */
function clientError(code: status, details = 'no reason'): Error {
  const grpcError = Object.assign(new Error(`${code} ${status[code]}: ${details}`), {
    code,
    details,
    metadata: new Metadata(),
  });
  return new Error('Failed to start workflow', { cause: grpcError });
}

const TRANSIENT = [
  status.CANCELLED,
  status.DEADLINE_EXCEEDED,
  status.UNAVAILABLE,
  status.RESOURCE_EXHAUSTED,
  status.ABORTED,
  status.UNKNOWN,
];
const FINAL = [
  status.INVALID_ARGUMENT,
  status.NOT_FOUND,
  status.ALREADY_EXISTS,
  status.PERMISSION_DENIED,
  status.FAILED_PRECONDITION,
  status.UNIMPLEMENTED,
  status.UNAUTHENTICATED,
];

describe('classifying failures of Temporal calls', () => {
  it.each(TRANSIENT.map((code) => [status[code], code]))(
    '%s is transient: 503 with Retry-After',
    (_, code) => {
      const error = clientError(code);
      expect(isTemporalConnectionFailure(error)).toBe(true);
      const http = httpErrorOf(error)!;
      expect(http.status).toBe(503);
      expect(http.code).toBe('TEMPORAL_UNAVAILABLE');
      expect(http.headers['retry-after']).toBe(String(TEMPORAL_RETRY_AFTER_SECONDS));
      expect(http.details.grpcStatus).toBe(status[code]);
    },
  );

  it.each(FINAL.map((code) => [status[code], code]))('%s is a refusal, not retried', (_, code) => {
    const error = clientError(code, 'the server said no');
    expect(isTemporalConnectionFailure(error)).toBe(false);
    expect(temporalFailure(error)).toMatchObject({
      kind: 'temporalRejected',
      details: { grpcStatus: status[code], reason: 'the server said no' },
    });
    expect(httpErrorOf(error)!.headers['retry-after']).toBeUndefined();
  });

  it('INTERNAL is transient only for a reset HTTP/2 stream, as the SDK decides', () => {
    expect(isTemporalConnectionFailure(clientError(status.INTERNAL, 'Received RST_STREAM with code 2'))).toBe(
      true,
    );
    expect(isTemporalConnectionFailure(clientError(status.INTERNAL, 'failed to decode request'))).toBe(false);
  });

  it('an error that is not from gRPC is left alone', () => {
    expect(temporalFailure(new Error('disk full'))).toBeUndefined();
  });
});

describe('POST /emails while the Temporal frontend cancels every call', () => {
  let frontend: Awaited<ReturnType<typeof startRefusingFrontend>>;
  let testApp: TestApp;

  beforeAll(async () => {
    frontend = await startRefusingFrontend(status.CANCELLED);
    const temporal = createTemporalClient({
      temporalAddress: frontend.address,
      temporalNamespace: 'default',
    });
    testApp = await createTestApp(temporal, { temporalAddress: frontend.address });
  });

  afterAll(async () => {
    await testApp?.close();
    await frontend?.stop();
  });

  it('answers 503 TEMPORAL_UNAVAILABLE with a Retry-After in seconds', async () => {
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/emails',
      payload: { to: 'ada@example.com', template: 'welcome', params: { name: 'Ada' } },
    });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe(String(TEMPORAL_RETRY_AFTER_SECONDS));
    expect(response.json()).toMatchObject({ code: 'TEMPORAL_UNAVAILABLE', grpcStatus: 'CANCELLED' });
  });
});
