// Who is calling and what they may do. Neutral ground: the API authenticates callers, domain
// modules (templates, redrive, idempotency) ask what a caller may do, and the configuration
// validates the scopes tokens are given.

export const SCOPES = ['jobs:create', 'jobs:read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}

/** The name callers share when no tokens are configured (open mode, loopback only). */
export const ANONYMOUS = 'anonymous';

export interface Caller {
  /** The token's configured name, or `anonymous` in open mode. */
  readonly name: string;
  readonly scopes: readonly Scope[];
}

/** `admin` holds every other scope: an operator who may redrive a job may also start and read one. */
export function hasScope(caller: Caller, scope: Scope): boolean {
  return caller.scopes.includes('admin') || caller.scopes.includes(scope);
}

/** The caller of open mode and of server-side work: every scope. */
export const TRUSTED_ANONYMOUS: Caller = { name: ANONYMOUS, scopes: ['admin'] };
