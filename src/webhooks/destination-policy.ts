import { lookup } from 'node:dns/promises';
import { classifyAddress } from '../net/address-class';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Every address a host name has. The one DNS seam of outbound requests: tests inject their own. */
export type AddressResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: AddressResolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };
/** A request waits this long at most for a name's addresses; a slow answer is left to connect time. */
const REQUEST_RESOLVE_TIMEOUT_MS = 2_000;

/**
 * Where webhooks may go: `https:` to public addresses, and the configured exceptions
 * (`WEBHOOK_ALLOWED_HOSTS`: exact `host:port`, over http or https, whatever their address).
 * Every refusal is a reason in words safe to show whoever gave the URL: it names the rule, never
 * what answered.
 */
export class WebhookDestinationPolicy {
  private readonly exceptions: ReadonlySet<string>;

  constructor(
    allowedHosts: readonly string[],
    readonly resolve: AddressResolver = systemResolver,
  ) {
    this.exceptions = new Set(allowedHosts);
  }

  /** Whether `hostname:port` (a URL's hostname; a bare IPv6 is bracketed here) is an exception. */
  isException(hostname: string, port: number): boolean {
    const host = hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname;
    return this.exceptions.has(`${host.toLowerCase()}:${port}`);
  }

  /** What the URL alone decides: an exception, `localhost`, a literal address, its scheme. */
  refusalOfUrl(value: string): string | undefined {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return 'it is not a valid URL';
    }
    const port = Number(url.port) || DEFAULT_PORTS[url.protocol];
    if (port === undefined) return 'only https: URLs are accepted';
    if (this.isException(url.hostname, port)) return undefined;
    const refusal = this.refusalOfHostname(url.hostname);
    if (refusal || url.protocol === 'https:') return refusal;
    return 'only https: URLs are accepted (http: only for WEBHOOK_ALLOWED_HOSTS)';
  }

  /** A host name that is this machine, or a literal address that is not public. */
  refusalOfHostname(hostname: string): string | undefined {
    if (/(^|\.)localhost\.?$/i.test(hostname)) return 'it points to this machine (localhost)';
    const addressClass = classifyAddress(hostname);
    if (addressClass === undefined || addressClass === 'public') return undefined;
    return `it is not a public address (${addressClass})`;
  }

  /** A name's addresses are refused when any one is not public: a resolver may pick any of them. */
  refusalOfAddresses(addresses: readonly ResolvedAddress[]): string | undefined {
    if (addresses.length === 0) return 'its name has no address';
    for (const { address } of addresses) {
      const addressClass = classifyAddress(address) ?? 'unreadable';
      if (addressClass !== 'public')
        return `its name resolves to an address that is not public (${addressClass})`;
    }
    return undefined;
  }

  /**
   * The check when a URL is accepted (a new job, a redrive): the URL's own rules, then the
   * addresses its name has now. A name that does not resolve now (or not within 2 s) is left to
   * the check at connect time, which is the one that counts (the answer may change in between).
   */
  async refusalAtRequest(value: string): Promise<string | undefined> {
    const refusal = this.refusalOfUrl(value);
    if (refusal) return refusal;
    const url = new URL(value);
    if (url.protocol !== 'https:' || classifyAddress(url.hostname) !== undefined) return undefined;
    if (this.isException(url.hostname, Number(url.port) || 443)) return undefined;
    const addresses = await this.resolveWithin(url.hostname, REQUEST_RESOLVE_TIMEOUT_MS);
    return addresses && this.refusalOfAddresses(addresses);
  }

  /** The name's addresses, or undefined when it does not resolve in time. */
  private async resolveWithin(hostname: string, timeoutMs: number): Promise<ResolvedAddress[] | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    try {
      return await Promise.race([this.resolve(hostname), late]);
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
