import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../contracts';
import type { DeliveryOutcome } from './delivery';

export type FailedDelivery = Exclude<DeliveryOutcome, { kind: 'delivered' }>;

function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/**
 * The activity failure for a delivery that did not succeed. What it says ends up in the job's
 * status and dead letter, where whoever gave the URL reads it: a refused destination and a
 * redirect are told in the same words whatever answered, so nothing behind them can be probed.
 */
export function deliveryFailure(url: string, outcome: FailedDelivery): ApplicationFailure {
  switch (outcome.kind) {
    case 'refused':
      return ApplicationFailure.nonRetryable(
        'Webhook destination refused: only https: to public addresses, or a host in WEBHOOK_ALLOWED_HOSTS',
        ErrorType.webhookDestinationRefused,
      );
    case 'redirected':
      return ApplicationFailure.nonRetryable(
        `Webhook ${url} answered with a redirect, which is not followed`,
        ErrorType.webhookRejected,
      );
    case 'unreachable':
      return ApplicationFailure.retryable(
        `Webhook ${url} unreachable: ${outcome.reason}`,
        'WebhookUnreachable',
      );
    case 'answered': {
      const message = `Webhook ${url} answered ${outcome.status}`;
      if (isRetryableStatus(outcome.status)) return ApplicationFailure.retryable(message, 'WebhookFailed');
      return ApplicationFailure.nonRetryable(message, ErrorType.webhookRejected);
    }
  }
}
