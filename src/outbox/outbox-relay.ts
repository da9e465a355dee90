import type { Client } from '@temporalio/client';
import type { Logger } from '../logger';
import { describeError } from '../errors';
import { dispatchOutboxEntry } from './dispatch';
import type { OutboxRepository } from './outbox-entry';

export interface OutboxRelayOptions {
  outbox: OutboxRepository;
  temporal: Client;
  logger: Logger;
  intervalMs?: number;
  batchSize?: number;
  /** How long one start may wait for Temporal, so that a pass while it is down stays short. */
  dispatchTimeoutMs?: number;
}

const DEFAULT_INTERVAL_MS = 2_000;
const DEFAULT_BATCH_SIZE = 50;
const DEFAULT_DISPATCH_TIMEOUT_MS = 5_000;

/**
 * Starts the jobs that the outbox holds but nobody started yet (Temporal was down, or the process
 * died in between), oldest first, on an interval. Entries are claimed in the database first, so
 * relays on several hosts share the work instead of repeating it.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;
  private failing = false;

  constructor(private readonly options: OutboxRelayOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /**
   * One pass over the pending entries; returns how many were dispatched. Stops at the first
   * failure so that entries keep their order, and because the next one would likely fail too.
   */
  async relayPending(): Promise<number> {
    const { outbox, temporal, logger } = this.options;
    const entries = await outbox.claimPending(this.options.batchSize ?? DEFAULT_BATCH_SIZE);
    let dispatched = 0;
    for (const [index, entry] of entries.entries()) {
      try {
        const started = await dispatchOutboxEntry(temporal, outbox, entry, {
          timeoutMs: this.options.dispatchTimeoutMs ?? DEFAULT_DISPATCH_TIMEOUT_MS,
        });
        dispatched += 1;
        logger.info(
          { outboxId: entry.id, jobId: started.jobId, created: started.created },
          'outbox job started',
        );
      } catch (error) {
        if (!this.failing) {
          logger.warn(
            { outboxId: entry.id, reason: describeError(error) },
            'outbox relay cannot start jobs yet; will retry',
          );
        }
        this.failing = true;
        await outbox.releaseClaims(entries.slice(index + 1).map((rest) => rest.id));
        return dispatched;
      }
    }
    if (this.failing && dispatched > 0) logger.info('outbox relay is starting jobs again');
    this.failing = false;
    return dispatched;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.running = this.relayPending()
        .catch((error) => this.options.logger.error({ err: error }, 'outbox relay pass failed'))
        .finally(() => {
          if (!this.stopped) this.schedule(this.options.intervalMs ?? DEFAULT_INTERVAL_MS);
        });
    }, delayMs);
    this.timer.unref();
  }
}
