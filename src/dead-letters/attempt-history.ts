import { optionalTsToDate } from '@temporalio/common/lib/time';
import type { temporal } from '@temporalio/proto';
import type { StepFailure } from './dead-letter-store';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

function eventId(event: HistoryEvent): string {
  return String(event.eventId ?? '');
}

function failureType(failure: temporal.api.failure.v1.IFailure | null | undefined): string | null {
  if (failure?.applicationFailureInfo) return failure.applicationFailureInfo.type || 'Error';
  if (failure?.timeoutFailureInfo) return 'Timeout';
  return null;
}

/** Every activity that finally failed or timed out in a job's history, with its attempt count. */
export function failedSteps(events: HistoryEvent[]): StepFailure[] {
  const stepNames = new Map<string, string>();
  const attempts = new Map<string, number>();
  const failures: StepFailure[] = [];
  for (const event of events) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) stepNames.set(eventId(event), scheduled.activityType?.name ?? 'unknown');
    const started = event.activityTaskStartedEventAttributes;
    if (started) attempts.set(String(started.scheduledEventId ?? ''), started.attempt ?? 1);
    const closed = event.activityTaskFailedEventAttributes ?? event.activityTaskTimedOutEventAttributes;
    if (closed) {
      const scheduledId = String(closed.scheduledEventId ?? '');
      failures.push({
        step: stepNames.get(scheduledId) ?? 'unknown',
        attempts: attempts.get(scheduledId) ?? 1,
        errorType: failureType(closed.failure),
        message: closed.failure?.message ?? 'failed',
        failedAt: optionalTsToDate(event.eventTime)?.toISOString() ?? null,
      });
    }
  }
  return failures;
}
