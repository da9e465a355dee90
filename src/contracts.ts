// The contracts shared by workflows, worker and API. Workflow code imports this module, so it
// must stay free of Node APIs and I/O.
import { defineSearchAttributeKey, type ActivityOptions, type RetryPolicy } from '@temporalio/common';
import { defineQuery } from '@temporalio/workflow';

export const TASK_QUEUE = 'durable-jobs';

export const JOB_TYPES = ['processUpload', 'sendEmail'] as const;
export type JobType = (typeof JOB_TYPES)[number];

export function isJobType(value: string): value is JobType {
  return (JOB_TYPES as readonly string[]).includes(value);
}

export const JOB_ID_PREFIX: Record<JobType, string> = {
  processUpload: 'upload',
  sendEmail: 'email',
};

export const JOB_STATES = [
  /** Started with a start delay that has not yet passed: no worker has seen it. */
  'scheduled',
  'queued',
  'running',
  'retrying',
  'completed',
  'failed',
  'dead_lettered',
  'cancelled',
] as const;
export type JobState = (typeof JOB_STATES)[number];

/** Registered with the dev server at start; lets the Web UI search jobs by state and type. */
export const JOB_STATE_SEARCH_ATTRIBUTE = defineSearchAttributeKey('JobState', 'KEYWORD');
export const JOB_TYPE_SEARCH_ATTRIBUTE = defineSearchAttributeKey('JobType', 'KEYWORD');
export const SEARCH_ATTRIBUTES = [JOB_STATE_SEARCH_ATTRIBUTE, JOB_TYPE_SEARCH_ATTRIBUTE] as const;

/**
 * Where a job is. `percent` is the workflow's own figure; while a step heartbeats its progress,
 * readers interpolate between `percent` and `stepEndsAt`.
 */
export interface JobProgress {
  stage: string;
  percent: number;
  stepEndsAt?: number;
}

/** What a long-running activity heartbeats, so that readers can show progress inside the step. */
export interface StepHeartbeat {
  done: number;
  total: number;
}

export const progressQuery = defineQuery<JobProgress>('progress');
/** When the job's first workflow task started (epoch ms): when a worker first took it up. */
export const startedAtQuery = defineQuery<number>('startedAt');

/** Memo keys under which workflows keep their last progress and start, readable without a worker. */
export const PROGRESS_MEMO_KEY = 'progress';
export const STARTED_AT_MEMO_KEY = 'startedAt';

/** Error types that activities throw as non-retryable `ApplicationFailure`s. */
export const ErrorType = {
  fileNotFound: 'FileNotFound',
  unsupportedFile: 'UnsupportedFile',
  checksumMismatch: 'ChecksumMismatch',
  webhookRejected: 'WebhookRejected',
  /** The outbound policy refused the destination (scheme, address, not an allowed host). */
  webhookDestinationRefused: 'WebhookDestinationRefused',
  templateError: 'TemplateError',
  smtpPermanent: 'SmtpPermanentFailure',
  smtpTransient: 'SmtpTransientFailure',
  deadLettered: 'DeadLettered',
  /** A worker shut down under a running attempt: retried by the workflow, not counted as a failure. */
  workerShutdown: 'WorkerShutdown',
} as const;

/**
 * Job types whose workflows schedule a step again when a worker shutdown interrupts it
 * (`proxyJobActivities`); the steps of any other keep the SDK's retry, which spends an attempt.
 */
export const RESCHEDULED_AFTER_SHUTDOWN: readonly JobType[] = ['processUpload', 'sendEmail'];

/**
 * Every retry policy in one place, readable as code. Tests run these exact policies under
 * time-skipping; they are never shrunk for tests.
 */
export const RETRY_POLICIES = {
  /** Opening the stored file: a missing file will not appear by retrying. */
  openFile: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 5,
    nonRetryableErrorTypes: [ErrorType.fileNotFound],
  },
  /** Analysis, like the seed's `max_retries=3` with `2 ** retries` s backoff: 4 attempts, 1 s, 2 s, 4 s. */
  analyseFile: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 4,
    nonRetryableErrorTypes: [ErrorType.fileNotFound, ErrorType.unsupportedFile, ErrorType.checksumMismatch],
  },
  /**
   * Webhooks: receivers are often briefly down; a 4xx answer, a redirect or a destination the
   * outbound policy refuses means retrying will not help.
   */
  notifyWebhook: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 6,
    nonRetryableErrorTypes: [ErrorType.webhookRejected, ErrorType.webhookDestinationRefused],
  },
  /** E-mail, like the seed's Bull `attempts: 5, backoff: exponential 2000`. */
  sendEmail: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 5,
    nonRetryableErrorTypes: [ErrorType.smtpPermanent, ErrorType.templateError],
  },
  /** The compensating dead-letter step must not be lost: many attempts, bounded backoff. */
  deadLetter: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 20,
  },
  /** Retention batches: idempotent, so retried freely; the next scheduled sweep picks up the rest. */
  retention: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 5,
  },
} satisfies Record<string, RetryPolicy>;

/** Timeouts beside the retry policies, per activity: what a slow or stuck attempt is allowed. */
export const ACTIVITY_OPTIONS = {
  openStoredFile: { startToCloseTimeout: '30 seconds', retry: RETRY_POLICIES.openFile },
  /** Long files take long; the heartbeat timeout is what notices a stuck or dead worker. */
  analyseFile: {
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: '15 seconds',
    retry: RETRY_POLICIES.analyseFile,
  },
  notifyWebhook: { startToCloseTimeout: '30 seconds', retry: RETRY_POLICIES.notifyWebhook },
  /**
   * Above the SMTP transport's own timeouts, so a hung server fails the attempt, not the activity;
   * delivery heartbeats every second, so the heartbeat timeout is what notices a dead worker.
   */
  sendEmail: {
    startToCloseTimeout: '2 minutes',
    heartbeatTimeout: '5 seconds',
    retry: RETRY_POLICIES.sendEmail,
  },
  /** The compensating step: recording the dead letter and undoing half-done work. */
  compensation: { startToCloseTimeout: '30 seconds', retry: RETRY_POLICIES.deadLetter },
  /** One batch of the retention sweep: a hundred rows, Temporal look-ups or blob deletions. */
  retention: { startToCloseTimeout: '2 minutes', retry: RETRY_POLICIES.retention },
} satisfies Record<string, ActivityOptions>;

export interface ProcessUploadInput {
  fileId: string;
  sha256: string;
  size: number;
  contentType: string;
  notifyUrl?: string;
  notifyEmail?: string;
}

export interface ProcessUploadResult {
  fileId: string;
  size: number;
  sha256: string;
  declaredContentType: string;
  mimeType: string;
  facts: Record<string, unknown>;
  notified: { webhook: boolean; email: boolean };
  /** The sendEmail job that told notifyEmail, when one was asked for. */
  emailJobId?: string;
}
