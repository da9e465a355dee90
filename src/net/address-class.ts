import { isIP } from 'node:net';

/**
 * What an IP address reaches, for deciding whether the service may send a request to it. Only
 * `public` is an address on the internet at large; every other class is this machine, a private
 * network, a cloud's metadata service or no single host at all.
 */
export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'linkLocal'
  | 'metadata'
  | 'multicast'
  | 'unspecified'
  | 'sharedAddressSpace'
  | 'broadcast'
  | 'reserved'
  | 'documentation';

interface Range {
  /** The network's first address as a number (IPv4: 32 bits, IPv6: 128 bits). */
  network: bigint;
  prefixLength: number;
  addressClass: AddressClass;
}

function ipv4Number(address: string): bigint {
  return address.split('.').reduce((value, part) => (value << 8n) | BigInt(Number(part)), 0n);
}

function ipv6Number(address: string): bigint {
  let text = address.replace(/%.*$/, ''); // a zone id (fe80::1%eth0) names an interface, not an address
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dotted) {
    const value = ipv4Number(dotted);
    text = text.slice(0, -dotted.length) + `${(value >> 16n).toString(16)}:${(value & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros =
    tail === undefined ? [] : new Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  return [...headGroups, ...zeros, ...tailGroups].reduce(
    (value, group) => (value << 16n) | BigInt(parseInt(group, 16)),
    0n,
  );
}

function v4(cidr: string, addressClass: AddressClass): Range {
  const [network = '', length = '32'] = cidr.split('/');
  return { network: ipv4Number(network), prefixLength: Number(length), addressClass };
}

function v6(cidr: string, addressClass: AddressClass): Range {
  const [network = '', length = '128'] = cidr.split('/');
  return { network: ipv6Number(network), prefixLength: Number(length), addressClass };
}

// Most specific first: the first range that contains an address gives its class.
const IPV4_RANGES: readonly Range[] = [
  // Cloud metadata and host services: AWS, GCP, Azure, OCI, DigitalOcean (169.254.169.254); AWS ECS
  // task metadata and EKS pod identity (169.254.170.2, .23); Alibaba Cloud (100.100.100.200);
  // Oracle Cloud's legacy address (192.0.0.192); Azure's wire server (168.63.129.16).
  v4('169.254.169.254', 'metadata'),
  v4('169.254.170.2', 'metadata'),
  v4('169.254.170.23', 'metadata'),
  v4('100.100.100.200', 'metadata'),
  v4('192.0.0.192', 'metadata'),
  v4('168.63.129.16', 'metadata'),
  v4('255.255.255.255', 'broadcast'),
  v4('0.0.0.0/8', 'unspecified'),
  v4('10.0.0.0/8', 'private'),
  v4('100.64.0.0/10', 'sharedAddressSpace'),
  v4('127.0.0.0/8', 'loopback'),
  v4('169.254.0.0/16', 'linkLocal'),
  v4('172.16.0.0/12', 'private'),
  v4('192.0.0.0/24', 'reserved'),
  v4('192.0.2.0/24', 'documentation'),
  v4('192.88.99.0/24', 'reserved'),
  v4('192.168.0.0/16', 'private'),
  v4('198.18.0.0/15', 'reserved'),
  v4('198.51.100.0/24', 'documentation'),
  v4('203.0.113.0/24', 'documentation'),
  v4('224.0.0.0/4', 'multicast'),
  v4('240.0.0.0/4', 'reserved'),
];

const IPV6_RANGES: readonly Range[] = [
  // AWS's IPv6 instance metadata service and EKS pod identity agent.
  v6('fd00:ec2::254', 'metadata'),
  v6('fd00:ec2::23', 'metadata'),
  v6('::', 'unspecified'),
  v6('::1', 'loopback'),
  v6('64:ff9b:1::/48', 'private'), // NAT64 for local use (RFC 8215)
  v6('100::/64', 'reserved'), // discard-only
  v6('2001::/32', 'reserved'), // Teredo: the IPv4 inside is obfuscated, so it is not trusted
  v6('2001:db8::/32', 'documentation'),
  v6('2001::/23', 'reserved'), // IETF protocol assignments
  v6('fc00::/7', 'private'), // unique local
  v6('fe80::/10', 'linkLocal'),
  v6('fec0::/10', 'private'), // deprecated site-local
  v6('ff00::/8', 'multicast'),
];

/** IPv6 prefixes whose last 32 bits are an IPv4 address that the packet ends up at. */
const IPV4_CARRIERS: readonly { network: bigint; prefixLength: number; shift: bigint }[] = [
  { network: ipv6Number('::ffff:0:0'), prefixLength: 96, shift: 0n }, // IPv4-mapped
  { network: ipv6Number('::'), prefixLength: 96, shift: 0n }, // IPv4-compatible (deprecated)
  { network: ipv6Number('64:ff9b::'), prefixLength: 96, shift: 0n }, // NAT64 well-known prefix
  { network: ipv6Number('2002::'), prefixLength: 16, shift: 80n }, // 6to4: 2002:AABB:CCDD::/48
];

function inRange(value: bigint, bits: number, range: { network: bigint; prefixLength: number }): boolean {
  const hostBits = BigInt(bits - range.prefixLength);
  return value >> hostBits === range.network >> hostBits;
}

function classifyIpv4(value: bigint): AddressClass {
  return IPV4_RANGES.find((range) => inRange(value, 32, range))?.addressClass ?? 'public';
}

/** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), if any. */
function embeddedIpv4(value: bigint): bigint | undefined {
  const carrier = IPV4_CARRIERS.find((candidate) => inRange(value, 128, candidate));
  return carrier ? (value >> carrier.shift) & 0xffffffffn : undefined;
}

function classifyIpv6(value: bigint): AddressClass {
  const own = IPV6_RANGES.find((range) => inRange(value, 128, range))?.addressClass;
  if (own) return own;
  const ipv4 = embeddedIpv4(value);
  return ipv4 === undefined ? 'public' : classifyIpv4(ipv4);
}

/**
 * The class of an IP address in canonical text form (what `dns.lookup` answers, or a URL's
 * hostname: the WHATWG parser turns `2130706433`, `0x7f000001`, `0177.1` and `127.1` into
 * `127.0.0.1`, and keeps IPv6 in brackets). Undefined when `address` is not an IP address.
 */
export function classifyAddress(address: string): AddressClass | undefined {
  const bare = address.replace(/^\[(.*)\]$/, '$1');
  switch (isIP(bare)) {
    case 4:
      return classifyIpv4(ipv4Number(bare));
    case 6:
      return classifyIpv6(ipv6Number(bare.toLowerCase()));
    default:
      return undefined;
  }
}
