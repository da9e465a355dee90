// API tokens for tests, configured the way an operator does it: through API_TOKENS.
import { loadConfig } from '../../src/config';
import type { Scope } from '../../src/auth/caller';
import type { AuthSettings } from '../../src/auth/tokens';

export interface TestToken {
  name: string;
  secret: string;
  scopes: Scope[];
}

export const OPS: TestToken = { name: 'ops', secret: 'ops-secret-0123456789abcdef', scopes: ['admin'] };
export const APP: TestToken = {
  name: 'web-app',
  secret: 'app-secret-0123456789abcdef',
  scopes: ['jobs:create', 'jobs:read'],
};
export const READER: TestToken = {
  name: 'dashboard',
  secret: 'reader-secret-0123456789abcdef',
  scopes: ['jobs:read'],
};

/** API_TOKENS (and METRICS_TOKEN) configuring these tokens, plus entries given as they are written. */
export function tokenEnv(
  tokens: TestToken[],
  metricsToken?: string,
  entries: object[] = [],
): Record<string, string> {
  const configured = tokens.map(({ name, secret, scopes }) => ({ name, token: secret, scopes }));
  const env: Record<string, string> = { API_TOKENS: JSON.stringify([...configured, ...entries]) };
  if (metricsToken) env.METRICS_TOKEN = metricsToken;
  return env;
}

/** The auth settings `loadConfig` makes of API_TOKENS (and METRICS_TOKEN) for these tokens. */
export function tokenAuth(tokens: TestToken[], metricsToken?: string): AuthSettings {
  return loadConfig(tokenEnv(tokens, metricsToken)).auth;
}

export function bearer(token: TestToken | string): { authorization: string } {
  return { authorization: `Bearer ${typeof token === 'string' ? token : token.secret}` };
}
