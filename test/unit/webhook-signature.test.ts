import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhookSignature } from '../../src/webhooks/signature';

const secret = 'receiver-secret';
const body = '{"jobId":"upload-1","state":"completed"}';
const signedAt = new Date('2026-11-30T08:00:00Z');
const header = signWebhook(secret, body, signedAt);

describe('webhook signatures', () => {
  it('is t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">, computable by any receiver', () => {
    const seconds = signedAt.getTime() / 1000;
    const expected = createHmac('sha256', secret).update(`${seconds}.${body}`).digest('hex');
    expect(header).toBe(`t=${seconds},v1=${expected}`);
  });

  it('accepts the signed body within the tolerance, either side of the clock', () => {
    for (const offsetSeconds of [0, 299, -299]) {
      const now = new Date(signedAt.getTime() + offsetSeconds * 1000);
      expect(verifyWebhookSignature(secret, header, body, { toleranceSeconds: 300, now })).toEqual({
        valid: true,
      });
    }
  });

  it('refuses a tampered body, another secret and a re-signed timestamp', () => {
    const now = signedAt;
    expect(verifyWebhookSignature(secret, header, body.replace('completed', 'failed'), { now })).toEqual({
      valid: false,
      reason: 'mismatch',
    });
    expect(verifyWebhookSignature('other-secret', header, body, { now })).toEqual({
      valid: false,
      reason: 'mismatch',
    });
    const movedTimestamp = header.replace(/^t=(\d+)/, (_, t: string) => `t=${Number(t) + 1}`);
    expect(verifyWebhookSignature(secret, movedTimestamp, body, { now })).toEqual({
      valid: false,
      reason: 'mismatch',
    });
  });

  it('refuses a replay older than the tolerance, and a timestamp too far ahead', () => {
    const later = new Date(signedAt.getTime() + 301_000);
    expect(verifyWebhookSignature(secret, header, body, { toleranceSeconds: 300, now: later })).toEqual({
      valid: false,
      reason: 'expired',
    });
    const earlier = new Date(signedAt.getTime() - 301_000);
    expect(verifyWebhookSignature(secret, header, body, { toleranceSeconds: 300, now: earlier })).toEqual({
      valid: false,
      reason: 'expired',
    });
  });

  it('accepts any one of several v1 signatures (a receiver rotating its secret)', () => {
    const [timestampPart, v1Part] = header.split(',');
    const withOld = `${timestampPart},v1=${'0'.repeat(64)},${v1Part}`;
    expect(verifyWebhookSignature(secret, withOld, body, { now: signedAt })).toEqual({ valid: true });
  });

  it.each([
    undefined,
    '',
    'sha256=abc',
    'v1=' + 'a'.repeat(64),
    't=1764489600',
    't=abc,v1=' + 'a'.repeat(64),
    't=1764489600,v1=xyz',
    't=1764489600,v1=' + 'a'.repeat(63),
    't=1764489600,t=1764489601,v1=' + 'a'.repeat(64),
    't=1764489600,v1=' + 'a'.repeat(64) + ',v2=' + 'b'.repeat(64),
    't=1764489600,v1=' + 'a'.repeat(64) + '=',
  ])('refuses the malformed header %j', (malformed) => {
    expect(verifyWebhookSignature(secret, malformed, body, { now: signedAt })).toEqual({
      valid: false,
      reason: 'malformed',
    });
  });
});
