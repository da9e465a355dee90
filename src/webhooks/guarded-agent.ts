import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import type { WebhookDestinationPolicy } from './destination-policy';

/** Raised instead of connecting: the destination's address is one webhooks may not reach. */
export class DestinationRefusedError extends Error {
  readonly code = 'EDESTINATIONREFUSED';
  constructor(readonly reason: string) {
    super(`Destination refused: ${reason}`);
    this.name = 'DestinationRefusedError';
  }
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * The socket's own name lookup, through the policy's resolver. With `check`, a name with any
 * address that is not public fails the lookup: the socket then never connects, and the address
 * checked is the address it would have connected to (a rebinding DNS answer cannot slip between).
 */
function policyLookup(policy: WebhookDestinationPolicy, check: boolean): LookupFunction {
  return (hostname: string, options: LookupOptions, callback: LookupCallback) => {
    policy.resolve(hostname).then(
      (addresses) => {
        const refusal = check ? policy.refusalOfAddresses(addresses) : undefined;
        if (refusal) return callback(new DestinationRefusedError(refusal), '');
        const [first] = addresses;
        if (options.all) return callback(null, addresses);
        if (!first)
          return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '');
        return callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

/**
 * An HTTP agent that connects only where the policy allows, decided per connection: an exception
 * (`host:port` in WEBHOOK_ALLOWED_HOSTS) connects as is; any other literal address must be
 * public, and any other name must resolve to public addresses only.
 */
export function createGuardedAgent(policy: WebhookDestinationPolicy, connectTimeoutMs: number): Agent {
  const exceptionConnector = buildConnector({
    timeout: connectTimeoutMs,
    lookup: policyLookup(policy, false),
  });
  const guardedConnector = buildConnector({ timeout: connectTimeoutMs, lookup: policyLookup(policy, true) });
  return new Agent({
    connect: (options, callback) => {
      const port = Number(options.port) || (options.protocol === 'https:' ? 443 : 80);
      if (policy.isException(options.hostname, port)) return exceptionConnector(options, callback);
      // A literal address is never looked up, so it is checked here.
      const refusal = policy.refusalOfHostname(options.hostname);
      if (refusal) return callback(new DestinationRefusedError(refusal), null);
      return guardedConnector(options, callback);
    },
  });
}
