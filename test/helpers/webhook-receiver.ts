import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DELIVERY_HEADER } from '../../src/webhooks/signature';

export interface ReceivedWebhook {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A real HTTP server on loopback that records deliveries and answers with scripted statuses.
 * Webhooks reach it only through its exception in WEBHOOK_ALLOWED_HOSTS (`allowedHost`).
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** TCP connections accepted, whether or not a request came over them. */
  connections = 0;
  private readonly scriptedStatuses: number[] = [];
  private fallbackStatus = 200;
  private toHold = 0;
  private redirectLocation: string | undefined;
  private endlessBody = false;
  private readonly server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      this.received.push({
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      if (this.toHold > 0) {
        this.toHold -= 1;
        return;
      }
      if (this.redirectLocation) {
        response.writeHead(302, { location: this.redirectLocation }).end();
        return;
      }
      response.statusCode = this.scriptedStatuses.shift() ?? this.fallbackStatus;
      if (this.endlessBody) this.writeForever(response);
      else response.end();
    });
  });

  constructor() {
    this.server.on('connection', () => {
      this.connections += 1;
    });
  }

  /** 1 KiB every few milliseconds until the client hangs up. */
  private writeForever(response: http.ServerResponse): void {
    const chunk = Buffer.alloc(1024, 'x');
    const timer = setInterval(() => response.write(chunk), 5);
    response.on('close', () => clearInterval(timer));
  }

  deliveriesFor(jobId: string): ReceivedWebhook[] {
    return this.received.filter((delivery) => delivery.headers[DELIVERY_HEADER] === jobId);
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://${this.allowedHost}/hooks/upload`;
  }

  /** This receiver's `host:port`, for WEBHOOK_ALLOWED_HOSTS. */
  get allowedHost(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Every request is answered `302 Found` to `location` (undefined: no more redirects). */
  redirectTo(location: string | undefined): void {
    this.redirectLocation = location;
  }

  /** Answers start with the status and never end: a body that would fill memory if read whole. */
  sendEndlessBodies(): void {
    this.endlessBody = true;
  }

  /** The next answers, in order; afterwards every request gets `thenStatus`. */
  answer(statuses: number[], thenStatus = 200): void {
    this.scriptedStatuses.splice(0, this.scriptedStatuses.length, ...statuses);
    this.fallbackStatus = thenStatus;
  }

  /** The next `count` requests are recorded but never answered: their sender hangs until it gives up. */
  hold(count: number): void {
    this.toHold = count;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
