import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The header on every webhook we send: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 * The timestamp is signed with the body, so a receiver can refuse a delivery replayed later.
 */
export const SIGNATURE_HEADER = 'x-durable-jobs-signature';
/** The job id, stable across retries: receivers can drop a delivery they have already seen. */
export const DELIVERY_HEADER = 'x-durable-jobs-delivery';

/** How old (or how far ahead of the receiver's clock) a signature may be, by default. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

function hmac(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export function signWebhook(secret: string, body: string, now: Date = new Date()): string {
  const timestamp = Math.floor(now.getTime() / 1000);
  return `t=${timestamp},v1=${hmac(secret, timestamp, body)}`;
}

export type SignatureCheck = { valid: true } | { valid: false; reason: 'malformed' | 'expired' | 'mismatch' };

interface ParsedSignature {
  timestamp: number;
  signatures: string[];
}

/** `t=…` once and one or more `v1=…` (several while a receiver rotates secrets); nothing else. */
function parseHeader(header: string): ParsedSignature | undefined {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value, ...rest] = part.trim().split('=');
    if (rest.length > 0 || value === undefined) return undefined;
    if (key === 't' && timestamp === undefined && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
    else return undefined;
  }
  return timestamp === undefined || signatures.length === 0 ? undefined : { timestamp, signatures };
}

/**
 * What a receiver runs on the raw body: whether the signature header is ours, for this body,
 * made within `toleranceSeconds` of `now`.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  body: string,
  {
    toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
    now = new Date(),
  }: { toleranceSeconds?: number; now?: Date } = {},
): SignatureCheck {
  const parsed = header === undefined ? undefined : parseHeader(header);
  if (!parsed) return { valid: false, reason: 'malformed' };
  if (Math.abs(now.getTime() / 1000 - parsed.timestamp) > toleranceSeconds) {
    return { valid: false, reason: 'expired' };
  }
  const expected = Buffer.from(hmac(secret, parsed.timestamp, body), 'hex');
  const matches = parsed.signatures.some((given) => timingSafeEqual(expected, Buffer.from(given, 'hex')));
  return matches ? { valid: true } : { valid: false, reason: 'mismatch' };
}
