// The outbound policy at the socket: loopback receivers only, host names resolved by an injected
// resolver (no DNS query leaves the machine), refusals before any connection is made.
import { WebhookDelivery, type DeliveryOutcome } from '../../src/webhooks/delivery';
import { WebhookDestinationPolicy, type AddressResolver } from '../../src/webhooks/destination-policy';
import { WebhookReceiver } from '../helpers/webhook-receiver';

/** `rebind.test` and `localhost` resolve to loopback; any other name fails like an unknown one. */
const resolver: AddressResolver = async (hostname) => {
  if (hostname === 'rebind.test' || hostname === 'localhost') return [{ address: '127.0.0.1', family: 4 }];
  if (hostname === 'rebind6.test') return [{ address: '::1', family: 6 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
};

describe('webhook delivery under the outbound policy', () => {
  let receiver: WebhookReceiver;
  const deliveries: WebhookDelivery[] = [];

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
  });

  afterAll(async () => {
    await Promise.all(deliveries.map((delivery) => delivery.close()));
    await receiver.stop();
  });

  function delivery(allowedHosts: string[], timeoutMs?: number): WebhookDelivery {
    const created = new WebhookDelivery({
      secret: 'secret',
      policy: new WebhookDestinationPolicy(allowedHosts, resolver),
      timeoutMs,
    });
    deliveries.push(created);
    return created;
  }

  function send(through: WebhookDelivery, url: string): Promise<DeliveryOutcome> {
    return through.deliver({
      jobId: 'job-1',
      url,
      payload: { hello: 'world' },
      signal: new AbortController().signal,
    });
  }

  it('connects through the injected resolver when the host is an exception (the control case)', async () => {
    const before = receiver.received.length;
    const outcome = await send(
      delivery([`rebind.test:${receiver.port}`]),
      `http://rebind.test:${receiver.port}/`,
    );
    expect(outcome).toEqual({ kind: 'delivered', status: 200 });
    expect(receiver.received.length).toBe(before + 1);
  });

  it('refuses at connect time a name that resolves to loopback, before any connection', async () => {
    const connections = receiver.connections;
    const policy = new WebhookDestinationPolicy([], resolver);
    const url = `https://rebind.test:${receiver.port}/`;
    // Nothing in the URL itself says loopback: only the resolved address does.
    expect(policy.refusalOfUrl(url)).toBeUndefined();

    const outcome = await send(delivery([]), url);
    expect(outcome).toEqual({
      kind: 'refused',
      reason: 'its name resolves to an address that is not public (loopback)',
    });
    const outcome6 = await send(delivery([]), `https://rebind6.test:${receiver.port}/`);
    expect(outcome6).toMatchObject({ kind: 'refused' });
    expect(receiver.connections).toBe(connections);
  });

  it('refuses a literal address, localhost, http and a host allowed on another port, without connecting', async () => {
    const connections = receiver.connections;
    const through = delivery([`127.0.0.1:${receiver.port + 1}`]);
    for (const url of [
      `https://127.0.0.1:${receiver.port}/`,
      `https://[::ffff:127.0.0.1]:${receiver.port}/`,
      `https://2130706433:${receiver.port}/`,
      `https://localhost:${receiver.port}/`,
      `http://127.0.0.1:${receiver.port}/`,
      `http://rebind.test:${receiver.port}/`,
    ]) {
      expect(await send(through, url)).toMatchObject({ kind: 'refused' });
    }
    expect(receiver.connections).toBe(connections);
  });

  it('does not follow a redirect, even to another allowed receiver', async () => {
    const redirecting = await new WebhookReceiver().start();
    const target = await new WebhookReceiver().start();
    try {
      redirecting.redirectTo(target.url);
      const through = delivery([redirecting.allowedHost, target.allowedHost]);
      expect(await send(through, redirecting.url)).toEqual({ kind: 'redirected', status: 302 });
      expect(redirecting.received).toHaveLength(1);
      expect(target.received).toHaveLength(0);
      expect(target.connections).toBe(0);
    } finally {
      await redirecting.stop();
      await target.stop();
    }
  });

  it('reads a few KiB of an endless answer and hangs up, well within the timeout', async () => {
    const endless = await new WebhookReceiver().start();
    try {
      endless.sendEndlessBodies();
      const started = Date.now();
      const outcome = await send(delivery([endless.allowedHost], 10_000), endless.url);
      expect(outcome).toEqual({ kind: 'delivered', status: 200 });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await endless.stop();
    }
  });

  it('gives up on a receiver that never answers after its timeout', async () => {
    const silent = await new WebhookReceiver().start();
    try {
      silent.hold(1);
      const started = Date.now();
      const outcome = await send(delivery([silent.allowedHost], 500), silent.url);
      expect(outcome).toMatchObject({ kind: 'unreachable' });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await silent.stop();
    }
  });
});
