import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DELIVERY_HEADER } from '../../src/webhooks/signature';

export interface ReceivedWebhook {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A real HTTP server on loopback that records deliveries and answers with scripted statuses. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly scriptedStatuses: number[] = [];
  private fallbackStatus = 200;
  private toHold = 0;
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
      response.statusCode = this.scriptedStatuses.shift() ?? this.fallbackStatus;
      response.end();
    });
  });

  deliveriesFor(jobId: string): ReceivedWebhook[] {
    return this.received.filter((delivery) => delivery.headers[DELIVERY_HEADER] === jobId);
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/hooks/upload`;
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
