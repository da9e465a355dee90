import { createHash, randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { SendEmailInput } from '../email/contracts';
import { EmailRequestError } from '../email/template-params';
import { validateEmailRequest } from '../email/templates';
import type { Logger } from '../logger';
import { dispatchOutboxEntry, outboxJobId } from '../outbox/dispatch';
import type { NewOutboxEntryOf, OutboxRepository } from '../outbox/outbox-entry';
import type { User } from './user';
import type { UserRepository } from './user-repository';

export interface SignupRequest {
  email: string;
  name: string;
}

export interface SignupResult {
  user: User;
  welcomeEmailJobId: string;
  /** False when Temporal could not be reached; the outbox relay starts the job later. */
  welcomeEmailStarted: boolean;
}

export interface SignupDependencies {
  users: UserRepository;
  outbox: OutboxRepository;
  temporal: Client;
  logger: Logger;
  /** How long signup waits for Temporal before answering and leaving the job to the relay. */
  dispatchTimeoutMs?: number;
}

const SIGNUP_FIELD_FOR: Record<string, string> = { to: 'email', 'params.name': 'name' };

/** Welcome e-mails must render, so signup input is checked by the welcome template itself. */
export function welcomeEmailFor(request: SignupRequest): SendEmailInput {
  const input: SendEmailInput = {
    to: request.email.trim(),
    template: 'welcome',
    params: { name: request.name.trim() },
  };
  try {
    validateEmailRequest(input);
  } catch (error) {
    if (error instanceof EmailRequestError) {
      const field = SIGNUP_FIELD_FOR[error.field] ?? error.field;
      throw new EmailRequestError(field, error.message.replace(`'${error.field}'`, `'${field}'`));
    }
    throw error;
  }
  return input;
}

const DEFAULT_DISPATCH_TIMEOUT_MS = 3_000;

/** A UUID-shaped id derived from an idempotency key, so that a repeated signup finds its user. */
function derivedId(idempotencyKey: string, purpose: string): string {
  const hex = createHash('sha256').update(`${purpose}\n${idempotencyKey}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function idsFor(idempotencyKey: string | undefined): { userId: string; outboxId: string } {
  if (idempotencyKey === undefined) return { userId: randomUUID(), outboxId: randomUUID() };
  return { userId: derivedId(idempotencyKey, 'user'), outboxId: derivedId(idempotencyKey, 'welcome') };
}

export class SignupService {
  constructor(private readonly dependencies: SignupDependencies) {}

  /**
   * Throws `EmailRequestError` for bad input and `DuplicateUser` for a taken address. With an
   * idempotency key (already checked against this request and scoped to its caller), a repeated
   * signup answers with the user the first one created.
   */
  async signUp(request: SignupRequest, idempotencyKey?: string): Promise<SignupResult> {
    const { users, outbox, temporal, logger } = this.dependencies;
    const welcomeEmail = welcomeEmailFor(request);
    const { userId, outboxId } = idsFor(idempotencyKey);
    const welcomeEmailEntry: NewOutboxEntryOf<'sendEmail'> = {
      id: outboxId,
      jobType: 'sendEmail',
      jobId: outboxJobId('sendEmail', outboxId),
      input: welcomeEmail,
    };
    const user =
      (idempotencyKey !== undefined ? await users.findById(userId) : undefined) ??
      (await users.createWithOutbox(
        { id: userId, email: welcomeEmail.to, name: String(welcomeEmail.params.name) },
        [welcomeEmailEntry],
      ));

    const entry = await outbox.findById(outboxId);
    let welcomeEmailStarted = false;
    try {
      if (entry) {
        await dispatchOutboxEntry(temporal, outbox, entry, {
          timeoutMs: this.dependencies.dispatchTimeoutMs ?? DEFAULT_DISPATCH_TIMEOUT_MS,
        });
        welcomeEmailStarted = true;
      }
    } catch (error) {
      logger.warn(
        { userId: user.id, jobId: welcomeEmailEntry.jobId, err: error },
        'welcome e-mail not started yet; the outbox relay will start it',
      );
    }
    return { user, welcomeEmailJobId: welcomeEmailEntry.jobId, welcomeEmailStarted };
  }
}
