import { isIP } from 'node:net';

/**
 * Whether a listen address (`HOST`) reaches this machine only: `localhost`, 127.0.0.0/8 or ::1.
 * Settings that may stay off on a developer's machine (API tokens, payload encryption) are
 * required as soon as the service listens on anything else.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.split('.')[0] === '127';
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:127\./.test(bare);
  return false;
}
