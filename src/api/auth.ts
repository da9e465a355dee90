// Bearer-token authentication at the HTTP edge: which caller a request comes from, and whether
// that caller may use a route of the given access.
import { ANONYMOUS, hasScope, TRUSTED_ANONYMOUS, type Caller } from '../auth/caller';
import { callerOf, findToken, isMetricsToken, type ApiToken, type AuthSettings } from '../auth/tokens';
import { Forbidden, Unauthenticated } from '../errors';
import type { RouteAccess } from './route';

const NOBODY: Caller = { name: ANONYMOUS, scopes: [] };

/** The token of an `Authorization: Bearer <token>` header, if the header has that form. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ ]+([^\s]+)[ ]*$/i.exec(header ?? '');
  return match?.[1];
}

const MISSING = 'A bearer token is required: Authorization: Bearer <token>';

function knownToken(settings: AuthSettings, token: string | undefined): ApiToken {
  if (token === undefined) throw new Unauthenticated(MISSING);
  const found = findToken(settings.tokens, token);
  if (!found) throw new Unauthenticated('The bearer token is not one this API knows');
  return found;
}

export type Authenticator = (access: RouteAccess, authorization: string | undefined) => Caller;

/**
 * Admin tokens may read /metrics too, so that METRICS_TOKEN is optional when tokens are set;
 * METRICS_TOKEN, when set, is required for /metrics even in open mode.
 */
function authorizeMetrics(settings: AuthSettings, token: string | undefined): Caller {
  if (settings.mode === 'open' && settings.metricsTokenSha256 === undefined) return TRUSTED_ANONYMOUS;
  if (token === undefined) throw new Unauthenticated(MISSING);
  if (isMetricsToken(settings, token)) return { name: 'metrics', scopes: [] };
  const caller = callerOf(knownToken(settings, token));
  if (!hasScope(caller, 'admin')) throw new Forbidden('admin', 'Reading metrics');
  return caller;
}

export function createAuthenticator(settings: AuthSettings): Authenticator {
  return (access, authorization) => {
    const token = bearerToken(authorization);
    if (access === 'metrics') return authorizeMetrics(settings, token);
    if (settings.mode === 'open') return TRUSTED_ANONYMOUS;
    if (access === 'public') return NOBODY;
    const caller = callerOf(knownToken(settings, token));
    if (!hasScope(caller, access)) throw new Forbidden(access, 'This route');
    return caller;
  };
}
