// API_TOKENS, METRICS_TOKEN and AUTH as configuration: who may call the API, read and checked at start.
import { ConfigError, readOptional, type Env } from '../config-error';
import { isLoopbackHost } from '../net/loopback';
import { isScope, SCOPES } from './caller';
import { sha256Hex, type ApiToken, type AuthSettings } from './tokens';

const SHA256_HEX = /^[0-9a-f]{64}$/i;
// Tokens are meant to be generated (openssl rand -hex 32); a short one is a mistake.
const MIN_TOKEN_LENGTH = 16;

function tokenEntryError(index: number, message: string): ConfigError {
  return new ConfigError('API_TOKENS', `entry ${index}: ${message}`);
}

function readTokenDigest(entry: Record<string, unknown>, index: number): string {
  const { token, sha256 } = entry;
  if ((token === undefined) === (sha256 === undefined)) {
    throw tokenEntryError(index, 'needs exactly one of "token" or "sha256"');
  }
  if (sha256 !== undefined) {
    if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) {
      throw tokenEntryError(index, '"sha256" must be 64 hexadecimal characters');
    }
    return sha256.toLowerCase();
  }
  if (typeof token !== 'string' || token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
    throw tokenEntryError(index, `"token" must be at least ${MIN_TOKEN_LENGTH} characters without spaces`);
  }
  return sha256Hex(token);
}

function readTokenEntry(entry: unknown, index: number): ApiToken {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw tokenEntryError(index, 'must be an object {"name", "token" | "sha256", "scopes"}');
  }
  const fields = entry as Record<string, unknown>;
  const unknownKey = Object.keys(fields).find((key) => !['name', 'token', 'sha256', 'scopes'].includes(key));
  if (unknownKey) throw tokenEntryError(index, `has an unknown property "${unknownKey}"`);
  const { name, scopes } = fields;
  if (typeof name !== 'string' || !/^[\w.:@-]{1,100}$/.test(name)) {
    throw tokenEntryError(index, '"name" must be 1 to 100 letters, digits or ._:@-');
  }
  if (!Array.isArray(scopes) || scopes.length === 0) {
    throw tokenEntryError(index, `"scopes" must be a non-empty array of ${SCOPES.join(', ')}`);
  }
  const unknownScope = scopes.find((scope) => !isScope(scope));
  if (unknownScope !== undefined) {
    throw tokenEntryError(
      index,
      `has unknown scope ${JSON.stringify(unknownScope)}; known: ${SCOPES.join(', ')}`,
    );
  }
  return { name, sha256: readTokenDigest(fields, index), scopes: [...new Set(scopes)] as ApiToken['scopes'] };
}

function readApiTokens(env: Env): ApiToken[] {
  const raw = readOptional(env, 'API_TOKENS');
  if (raw === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError('API_TOKENS', 'must be a JSON array of {"name", "token" | "sha256", "scopes"}');
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new ConfigError(
      'API_TOKENS',
      'must be a non-empty JSON array of {"name", "token" | "sha256", "scopes"}',
    );
  }
  const tokens = parsed.map(readTokenEntry);
  const names = new Set<string>();
  const digests = new Set<string>();
  for (const token of tokens) {
    if (names.has(token.name)) throw new ConfigError('API_TOKENS', `names "${token.name}" twice`);
    if (digests.has(token.sha256))
      throw new ConfigError('API_TOKENS', `has the same secret twice ("${token.name}")`);
    names.add(token.name);
    digests.add(token.sha256);
  }
  return tokens;
}

function readMetricsToken(env: Env): string | undefined {
  const raw = readOptional(env, 'METRICS_TOKEN');
  if (raw === undefined) return undefined;
  if (raw.length < MIN_TOKEN_LENGTH || /\s/.test(raw)) {
    throw new ConfigError('METRICS_TOKEN', `must be at least ${MIN_TOKEN_LENGTH} characters without spaces`);
  }
  return sha256Hex(raw);
}

/**
 * Open mode (no tokens) is allowed on loopback, where only this machine can call; anywhere else
 * it must be asked for by name (`AUTH=none`), so that forgetting API_TOKENS never exposes the API.
 */
export function readAuth(env: Env, host: string): AuthSettings {
  const tokens = readApiTokens(env);
  const metricsTokenSha256 = readMetricsToken(env);
  const explicitlyOpen = readOptional(env, 'AUTH');
  if (explicitlyOpen !== undefined && explicitlyOpen !== 'none') {
    throw new ConfigError('AUTH', `may only be "none" (every route open), got "${explicitlyOpen}"`);
  }
  if (explicitlyOpen === 'none') {
    if (tokens.length > 0)
      throw new ConfigError('AUTH', 'is "none" but API_TOKENS is set; unset one of them');
    return { mode: 'open', tokens, metricsTokenSha256 };
  }
  if (tokens.length > 0) return { mode: 'tokens', tokens, metricsTokenSha256 };
  return { mode: isLoopbackHost(host) ? 'open' : 'unconfigured', tokens, metricsTokenSha256 };
}

/**
 * The API's authentication, refusing to serve without tokens on a non-loopback address unless
 * `AUTH=none` asked for it. Only the API calls this: a worker shares the configuration but
 * listens on nothing.
 */
export function requireApiAuth(config: { auth: AuthSettings; host: string }): AuthSettings {
  if (config.auth.mode !== 'unconfigured') return config.auth;
  throw new ConfigError(
    'API_TOKENS',
    `is required when HOST (${config.host}) is not a loopback address; ` +
      'set AUTH=none to serve every route without authentication on purpose',
  );
}
