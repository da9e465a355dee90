import type { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import { version } from '../../package.json';
import type { WebhookDestinationPolicy } from './destination-policy';
import { createGuardedAgent, DestinationRefusedError } from './guarded-agent';
import { DELIVERY_HEADER, SIGNATURE_HEADER, signWebhook } from './signature';

export const USER_AGENT = `durable-jobs/${version}`;
const TIMEOUT_MS = 10_000;
/** The answer's body is never used: a few KiB are read so the connection can be reused, no more. */
const MAX_RESPONSE_BYTES = 4 * 1024;

export interface WebhookMessage {
  jobId: string;
  url: string;
  payload: Record<string, unknown>;
  signal: AbortSignal;
}

/** How one delivery went. `reason`s are for operators' logs; they may name addresses. */
export type DeliveryOutcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'refused'; reason: string }
  | { kind: 'redirected'; status: number }
  | { kind: 'answered'; status: number }
  | { kind: 'unreachable'; reason: string };

export interface WebhookDeliveryOptions {
  secret: string;
  policy: WebhookDestinationPolicy;
  timeoutMs?: number;
}

function refusalIn(error: unknown): DestinationRefusedError | undefined {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof DestinationRefusedError) return cause;
  }
  return undefined;
}

/** Reads at most `limit` bytes of the answer, then drops the rest of it. */
async function drain(body: Readable, limit: number): Promise<void> {
  let read = 0;
  try {
    for await (const chunk of body) {
      read += (chunk as Buffer).length;
      if (read >= limit) break;
    }
  } finally {
    body.destroy();
  }
}

function outcomeOf(status: number): DeliveryOutcome {
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  if (status >= 300 && status < 400) return { kind: 'redirected', status };
  return { kind: 'answered', status };
}

/**
 * Signed webhook POSTs under the outbound policy: the URL is checked, then the address at connect
 * time; redirects are not followed; the answer is read only a few KiB deep; one timeout bounds it all.
 */
export class WebhookDelivery {
  private readonly dispatcher: Dispatcher;
  private readonly timeoutMs: number;

  constructor(private readonly options: WebhookDeliveryOptions) {
    this.timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
    this.dispatcher = createGuardedAgent(options.policy, this.timeoutMs);
  }

  async deliver({ jobId, url, payload, signal }: WebhookMessage): Promise<DeliveryOutcome> {
    const refusal = this.options.policy.refusalOfUrl(url);
    if (refusal) return { kind: 'refused', reason: refusal };
    const body = JSON.stringify(payload);
    try {
      const response = await request(url, {
        method: 'POST',
        dispatcher: this.dispatcher,
        body,
        headers: {
          'content-type': 'application/json',
          'user-agent': USER_AGENT,
          [SIGNATURE_HEADER]: signWebhook(this.options.secret, body),
          [DELIVERY_HEADER]: jobId,
        },
        signal: AbortSignal.any([AbortSignal.timeout(this.timeoutMs), signal]),
      });
      // The status is the answer: a body that breaks off or stalls until the timeout changes nothing.
      await drain(response.body, MAX_RESPONSE_BYTES).catch(() => undefined);
      return outcomeOf(response.statusCode);
    } catch (error) {
      const refused = refusalIn(error);
      if (refused) return { kind: 'refused', reason: refused.reason };
      return { kind: 'unreachable', reason: (error as Error).message };
    }
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}
