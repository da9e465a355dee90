import type { Caller } from '../auth/caller';
import { IdempotencyKeyReused, InvalidInput } from '../errors';
import { requestFingerprint, scopedIdempotencyKey, type IdempotencyKeyStore } from '../jobs/idempotency-keys';

const IDEMPOTENCY_HEADER = 'idempotency-key';
const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

/** The `Idempotency-Key` header, if any: a retried request with the same key gets the same job. */
export function idempotencyKeyOf(headers: Record<string, string | undefined>): string | undefined {
  const key = headers[IDEMPOTENCY_HEADER];
  if (key === undefined) return undefined;
  if (key.trim() === '' || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new InvalidInput(`Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`, {
      field: 'Idempotency-Key',
      location: 'headers',
    });
  }
  return key;
}

export interface IdempotentRequest {
  caller: Caller;
  /** `POST /emails`: a key is per operation as well as per caller. */
  operation: string;
  headers: Record<string, string | undefined>;
  body: unknown;
}

/**
 * The request's idempotency key, scoped to its caller, once the key is known to belong to this
 * body: a key the caller used before with another body is `IdempotencyKeyReused` (422), never the
 * first request's job. Undefined when the request has no key.
 */
export async function checkedIdempotencyKey(
  store: IdempotencyKeyStore,
  request: IdempotentRequest,
): Promise<string | undefined> {
  const key = idempotencyKeyOf(request.headers);
  if (key === undefined) return undefined;
  const { outcome, generation } = await store.use({
    scope: request.caller.name,
    operation: request.operation,
    key,
    requestHash: requestFingerprint(request.body),
  });
  if (outcome === 'reused') throw new IdempotencyKeyReused();
  return scopedIdempotencyKey(request.caller.name, key, generation);
}
