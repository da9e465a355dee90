import { log } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { optionalTsToDate } from '@temporalio/common/lib/time';
import { failedSteps } from '../dead-letters/attempt-history';
import type { DeadLetterStore, NewDeadLetter } from '../dead-letters/dead-letter-store';
import { PayloadReader } from '../temporal/payload-reading';

export interface DeadLetterActivityDependencies {
  temporal: Client;
  deadLetters: DeadLetterStore;
}

/** What the workflow knows of the failure; the attempt history is read from Temporal. */
export type DeadLetterRequest = Omit<NewDeadLetter, 'attempts' | 'jobStartedAt'>;

export function createDeadLetterActivities({ temporal, deadLetters }: DeadLetterActivityDependencies) {
  return {
    /**
     * The compensating step's record. Reads the attempt history from the job's own Temporal
     * history; safe to retry: one entry per job run however often it runs.
     */
    async recordDeadLetter(request: DeadLetterRequest): Promise<{ deadLetterId: string }> {
      const history = await temporal.workflow.getHandle(request.jobId, request.runId).fetchHistory();
      // Failure messages in history are encrypted when payload encryption is on.
      const events = await PayloadReader.of(temporal).events(history.events ?? []);
      const entry = await deadLetters.record({
        ...request,
        attempts: failedSteps(events),
        jobStartedAt: optionalTsToDate(events[0]?.eventTime)?.toISOString() ?? null,
      });
      log.warn('job dead-lettered', {
        deadLetterId: entry.id,
        jobType: request.jobType,
        failedStep: request.failedStep,
        errorType: request.errorType,
        error: request.errorMessage,
      });
      return { deadLetterId: entry.id };
    },
  };
}

export type DeadLetterActivities = ReturnType<typeof createDeadLetterActivities>;
