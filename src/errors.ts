// Domain errors: what went wrong, in the domain's words. Domain modules throw these and never
// think about HTTP; the API's edge maps each `kind` onto a status and a stable code.

export type DomainErrorKind =
  | 'invalidInput'
  | 'unauthenticated'
  | 'forbidden'
  | 'notFound'
  | 'conflict'
  | 'idempotencyKeyReused'
  | 'tooLarge'
  | 'temporalUnavailable'
  | 'temporalRejected';

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;

  /** `details` are facts a client can act on (the field to fix, the id not found, …). */
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input that breaks a rule; `field` is the path a client should fix. */
export class InvalidInput extends DomainError {
  readonly kind = 'invalidInput';

  constructor(
    message: string,
    details: { field?: string; location?: string } & Record<string, unknown> = {},
  ) {
    super(message, details);
  }
}

/** A webhook URL the outbound policy refuses; `reason` names the rule, never what is behind it. */
export class WebhookDestinationRefused extends DomainError {
  readonly kind = 'invalidInput';
  constructor(reason: string) {
    super(`notifyUrl is refused: ${reason}`, { field: 'notifyUrl', location: 'body', reason });
  }
}

/** No credentials, or credentials that match no configured token. */
export class Unauthenticated extends DomainError {
  readonly kind = 'unauthenticated';
  constructor(message = 'A valid bearer token is required') {
    super(message);
  }
}

/** The caller is known but lacks the scope the action needs; `scope` names it. */
export class Forbidden extends DomainError {
  readonly kind = 'forbidden';
  constructor(scope: string, action: string) {
    super(`${action} needs the '${scope}' scope`, { scope });
  }
}

/** The caller used an idempotency key before with a different request body. */
export class IdempotencyKeyReused extends DomainError {
  readonly kind = 'idempotencyKeyReused';
  constructor() {
    super('This Idempotency-Key was already used with a different request body', {
      field: 'Idempotency-Key',
      location: 'headers',
    });
  }
}

export class FileNotFound extends DomainError {
  readonly kind = 'notFound';
  constructor(fileId: string) {
    super('File not found', { fileId });
  }
}

export class JobNotFound extends DomainError {
  readonly kind = 'notFound';
  constructor(jobId: string) {
    super('Job not found', { jobId });
  }
}

/** A cancel asked of a job that has already closed; `state` says how it ended. */
export class JobAlreadyFinished extends DomainError {
  readonly kind = 'conflict';
  constructor(jobId: string, state: string) {
    super('Job has already finished', { jobId, state });
  }
}

export class DeadLetterNotFound extends DomainError {
  readonly kind = 'notFound';
  constructor(deadLetterId: string) {
    super('Dead letter not found', { deadLetterId });
  }
}

export class MessageNotFound extends DomainError {
  readonly kind = 'notFound';
  constructor(id: string) {
    super('Message not found', { id });
  }
}

export class DuplicateUser extends DomainError {
  readonly kind = 'conflict';
  constructor(readonly email: string) {
    super('This e-mail address is already registered', { field: 'email' });
  }
}

export class AlreadyRedriven extends DomainError {
  readonly kind = 'conflict';
  constructor(deadLetterId: string, redrivenJobId: string | null) {
    super('Dead letter was already redriven', { deadLetterId, status: 'redriven', redrivenJobId });
  }
}

export class RedriveInProgress extends DomainError {
  readonly kind = 'conflict';
  constructor(deadLetterId: string, details: Record<string, unknown> = {}) {
    super('Dead letter is being redriven', { deadLetterId, ...details });
  }
}

export class UploadTooLarge extends DomainError {
  readonly kind = 'tooLarge';
  constructor(limitBytes: number) {
    super(`File is larger than the limit of ${limitBytes} bytes`, { limitBytes });
  }
}

/** The Temporal server did not answer. */
export class TemporalUnavailable extends DomainError {
  readonly kind = 'temporalUnavailable';
  constructor(reason: string, details: Record<string, unknown> = {}) {
    super('Temporal is unavailable', { reason, ...details });
  }
}

/** The Temporal server answered no; its own reason, so that an operator can act on it. */
export class TemporalRejected extends DomainError {
  readonly kind = 'temporalRejected';
  constructor(reason: string, grpcStatus: string) {
    super(`Temporal rejected the request: ${reason}`, { reason, grpcStatus });
  }
}

/** A message with the reason, for logs and stored failure notes. */
export function describeError(error: unknown): string {
  if (error instanceof DomainError && typeof error.details.reason === 'string') {
    return `${error.message}: ${error.details.reason}`;
  }
  return error instanceof Error ? error.message : String(error);
}

export class ScheduleNotFound extends DomainError {
  readonly kind = 'notFound';
  constructor(scheduleId: string) {
    super('Schedule not found', { scheduleId });
  }
}

export class ScheduleIdTaken extends DomainError {
  readonly kind = 'conflict';
  constructor(scheduleId: string) {
    super('A schedule with this id already exists', { scheduleId, field: 'id' });
  }
}
