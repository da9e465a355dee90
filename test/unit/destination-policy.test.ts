// The allow/refuse rule as a pure function of the URL and an injected resolver's answers (data
// only: no name is looked up and no socket is opened).
import { WebhookDestinationPolicy, type ResolvedAddress } from '../../src/webhooks/destination-policy';

function policyResolving(answers: Record<string, ResolvedAddress[]>, allowedHosts: string[] = []) {
  const asked: string[] = [];
  const policy = new WebhookDestinationPolicy(allowedHosts, async (hostname) => {
    asked.push(hostname);
    const answer = answers[hostname];
    if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return answer;
  });
  return { policy, asked };
}

const v4 = (address: string): ResolvedAddress => ({ address, family: 4 });
const v6 = (address: string): ResolvedAddress => ({ address, family: 6 });

describe('WebhookDestinationPolicy', () => {
  it('allows an exception by exact host and port, over http or https, whatever its address', () => {
    const { policy } = policyResolving({}, [
      '127.0.0.1:4000',
      'localhost:8080',
      '[::1]:9000',
      'hooks.internal:443',
    ]);
    expect(policy.refusalOfUrl('http://127.0.0.1:4000/hook')).toBeUndefined();
    expect(policy.refusalOfUrl('https://127.0.0.1:4000/hook')).toBeUndefined();
    expect(policy.refusalOfUrl('http://LOCALHOST:8080/')).toBeUndefined();
    expect(policy.refusalOfUrl('http://[::1]:9000/')).toBeUndefined();
    expect(policy.refusalOfUrl('https://hooks.internal/')).toBeUndefined();
    expect(policy.isException('::1', 9000)).toBe(true);

    expect(policy.refusalOfUrl('http://127.0.0.1:4001/hook')).toBe('it is not a public address (loopback)');
    expect(policy.refusalOfUrl('https://127.0.0.1:4001/hook')).toBe('it is not a public address (loopback)');
    expect(policy.refusalOfUrl('http://localhost:4000/')).toBe('it points to this machine (localhost)');
    expect(policy.refusalOfUrl('https://localhost:4000/')).toBe('it points to this machine (localhost)');
    expect(policy.refusalOfUrl('http://hooks.internal/')).toMatch(/only https:/);
    expect(policy.refusalOfUrl('https://sub.hooks.internal/')).toBeUndefined(); // decided by its addresses
  });

  it.each([
    ['ftp://example.com/', 'only https: URLs are accepted'],
    ['http://example.com/', 'only https: URLs are accepted (http: only for WEBHOOK_ALLOWED_HOSTS)'],
    ['not a url', 'it is not a valid URL'],
    ['https://localhost./', 'it points to this machine (localhost)'],
    ['https://app.localhost/', 'it points to this machine (localhost)'],
    ['https://10.1.2.3/', 'it is not a public address (private)'],
    ['https://[fe80::1]/', 'it is not a public address (linkLocal)'],
    ['https://169.254.169.254/', 'it is not a public address (metadata)'],
    ['https://[fd00:ec2::254]/', 'it is not a public address (metadata)'],
    ['https://0.0.0.0/', 'it is not a public address (unspecified)'],
    ['https://224.0.0.1/', 'it is not a public address (multicast)'],
    ['https://100.64.0.1/', 'it is not a public address (sharedAddressSpace)'],
  ])('refuses %s from the URL alone: %s', (url, reason) => {
    const { policy } = policyResolving({});
    expect(policy.refusalOfUrl(url)).toBe(reason);
  });

  it('refuses at request time a name with any address that is not public', async () => {
    const { policy, asked } = policyResolving({
      'mixed.test': [v4('93.184.216.34'), v4('10.0.0.7')],
      'private6.test': [v6('fd12::1')],
      'mapped.test': [v6('::ffff:192.168.0.1')],
      'public.test': [v4('93.184.216.34'), v6('2606:2800:220:1::1')],
      'empty.test': [],
      'garbage.test': [v4('not-an-address')],
    });
    expect(await policy.refusalAtRequest('https://mixed.test/')).toBe(
      'its name resolves to an address that is not public (private)',
    );
    expect(await policy.refusalAtRequest('https://private6.test/')).toMatch(/not public \(private\)/);
    expect(await policy.refusalAtRequest('https://mapped.test/')).toMatch(/not public \(private\)/);
    expect(await policy.refusalAtRequest('https://empty.test/')).toBe('its name has no address');
    expect(await policy.refusalAtRequest('https://garbage.test/')).toMatch(/not public \(unreadable\)/);
    expect(await policy.refusalAtRequest('https://public.test/')).toBeUndefined();
    // A name that does not resolve now is left to the check at connect time.
    expect(await policy.refusalAtRequest('https://unknown.test/')).toBeUndefined();
    expect(asked).toEqual([
      'mixed.test',
      'private6.test',
      'mapped.test',
      'empty.test',
      'garbage.test',
      'public.test',
      'unknown.test',
    ]);
  });

  it('resolves nothing for a literal address, an exception or a URL already refused', async () => {
    const { policy, asked } = policyResolving({}, ['hooks.internal:8443']);
    expect(await policy.refusalAtRequest('https://93.184.216.34/')).toBeUndefined();
    expect(await policy.refusalAtRequest('https://hooks.internal:8443/')).toBeUndefined();
    expect(await policy.refusalAtRequest('http://hooks.example.com/')).toMatch(/only https:/);
    expect(await policy.refusalAtRequest('https://localhost/')).toMatch(/localhost/);
    expect(asked).toEqual([]);
  });

  it('leaves a name that does not resolve within 2 s to the check at connect time', async () => {
    jest.useFakeTimers();
    try {
      const policy = new WebhookDestinationPolicy([], () => new Promise<ResolvedAddress[]>(() => undefined));
      const refusal = policy.refusalAtRequest('https://slow.test/');
      await jest.advanceTimersByTimeAsync(1_999);
      let settled = false;
      void refusal.then(() => (settled = true));
      await Promise.resolve();
      expect(settled).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      await expect(refusal).resolves.toBeUndefined();
    } finally {
      jest.useRealTimers();
    }
  });
});
