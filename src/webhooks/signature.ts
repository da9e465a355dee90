import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header carrying `sha256=<hex HMAC-SHA256 of the raw body>` on every webhook we send. */
export const SIGNATURE_HEADER = 'x-durable-jobs-signature';
/** The job id, stable across retries: receivers can drop a delivery they have already seen. */
export const DELIVERY_HEADER = 'x-durable-jobs-delivery';

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function verifySignature(secret: string, body: string, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signBody(secret, body));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
