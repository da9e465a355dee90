// Configured API tokens, kept only as SHA-256 digests, and the constant-time lookup of a
// presented token among them.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Caller, Scope } from './caller';

export interface ApiToken {
  name: string;
  /** Hex SHA-256 of the secret; the secret itself is never kept. */
  sha256: string;
  scopes: Scope[];
}

export interface AuthSettings {
  /**
   * `tokens`: bearer tokens required; `open`: every route open (loopback, or `AUTH=none`);
   * `unconfigured`: no tokens on a non-loopback address, which the API refuses to serve.
   */
  mode: 'tokens' | 'open' | 'unconfigured';
  tokens: ApiToken[];
  /** Hex SHA-256 of `METRICS_TOKEN`, when set. */
  metricsTokenSha256: string | undefined;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Every digest is compared, so the time taken says nothing about which token, if any, matched. */
function matchesDigest(presented: Buffer, digestHex: string): boolean {
  return timingSafeEqual(presented, Buffer.from(digestHex, 'hex'));
}

/** The token whose secret `presented` is, or undefined; constant time per configured token. */
export function findToken(tokens: readonly ApiToken[], presented: string): ApiToken | undefined {
  const digest = createHash('sha256').update(presented, 'utf8').digest();
  let found: ApiToken | undefined;
  for (const token of tokens) {
    if (matchesDigest(digest, token.sha256) && found === undefined) found = token;
  }
  return found;
}

export function isMetricsToken(settings: AuthSettings, presented: string): boolean {
  if (settings.metricsTokenSha256 === undefined) return false;
  const digest = createHash('sha256').update(presented, 'utf8').digest();
  return matchesDigest(digest, settings.metricsTokenSha256);
}

export function callerOf(token: ApiToken): Caller {
  return { name: token.name, scopes: token.scopes };
}
