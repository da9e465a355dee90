// The service reads some payloads straight from Temporal's raw protos (history events, pending
// activities), which the SDK does not decode. This decodes them through the client's own data
// converter, so job status, events and dead letters read the same with encryption on or off.
import type { Client } from '@temporalio/client';
import type { LoadedDataConverter } from '@temporalio/common';
import { decode, decodeFailure } from '@temporalio/common/lib/internal-non-workflow';
import type { temporal } from '@temporalio/proto';

type Payloads = temporal.api.common.v1.IPayloads;
type Failure = temporal.api.failure.v1.IFailure;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type PendingActivity = temporal.api.workflow.v1.IPendingActivityInfo;

export class PayloadReader {
  constructor(private readonly converter: LoadedDataConverter) {}

  static of(client: Client): PayloadReader {
    return new PayloadReader(client.options.loadedDataConverter);
  }

  async payloads(payloads: Payloads | null | undefined): Promise<Payloads | null | undefined> {
    if (!payloads?.payloads || this.converter.payloadCodecs.length === 0) return payloads;
    return { payloads: await decode(this.converter.payloadCodecs, payloads.payloads) };
  }

  /** The first payload's value; undefined when there is none. */
  async value<T>(payloads: Payloads | null | undefined): Promise<T> {
    const [first] = (await this.payloads(payloads))?.payloads ?? [];
    return (first ? this.converter.payloadConverter.fromPayload<T>(first) : undefined) as T;
  }

  /** Payloads decoded, and the message a failure converter moved into `encodedAttributes` put back. */
  async failure(failure: Failure | null | undefined): Promise<Failure | null | undefined> {
    if (!failure) return failure;
    const decoded = this.converter.payloadCodecs.length
      ? await decodeFailure(this.converter.payloadCodecs, failure)
      : failure;
    return this.restoreMessages(decoded);
  }

  private restoreMessages(failure: Failure): Failure {
    const cause = failure.cause ? this.restoreMessages(failure.cause) : failure.cause;
    if (!failure.encodedAttributes) return { ...failure, cause };
    const attributes = this.converter.payloadConverter.fromPayload<{
      message?: unknown;
      stack_trace?: unknown;
    }>(failure.encodedAttributes);
    return {
      ...failure,
      cause,
      message: typeof attributes?.message === 'string' ? attributes.message : failure.message,
      stackTrace: typeof attributes?.stack_trace === 'string' ? attributes.stack_trace : failure.stackTrace,
    };
  }

  /** The events with the payloads and failures the service reads decoded; others left as they are. */
  events(events: HistoryEvent[]): Promise<HistoryEvent[]> {
    return Promise.all(events.map((event) => this.event(event)));
  }

  private async event(event: HistoryEvent): Promise<HistoryEvent> {
    const completed = event.workflowExecutionCompletedEventAttributes;
    if (completed) {
      return {
        ...event,
        workflowExecutionCompletedEventAttributes: {
          ...completed,
          result: await this.payloads(completed.result),
        },
      };
    }
    const failed = event.workflowExecutionFailedEventAttributes;
    if (failed) {
      return {
        ...event,
        workflowExecutionFailedEventAttributes: { ...failed, failure: await this.failure(failed.failure) },
      };
    }
    const activityFailed = event.activityTaskFailedEventAttributes;
    if (activityFailed) {
      return {
        ...event,
        activityTaskFailedEventAttributes: {
          ...activityFailed,
          failure: await this.failure(activityFailed.failure),
        },
      };
    }
    const timedOut = event.activityTaskTimedOutEventAttributes;
    if (timedOut) {
      return {
        ...event,
        activityTaskTimedOutEventAttributes: { ...timedOut, failure: await this.failure(timedOut.failure) },
      };
    }
    return event;
  }

  /** Heartbeat details and last failures of pending activities, as `describe()` returns them raw. */
  pendingActivities(pending: PendingActivity[]): Promise<PendingActivity[]> {
    return Promise.all(
      pending.map(async (activity) => ({
        ...activity,
        heartbeatDetails: await this.payloads(activity.heartbeatDetails),
        lastFailure: await this.failure(activity.lastFailure),
      })),
    );
  }
}
