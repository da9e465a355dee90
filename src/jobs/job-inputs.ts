import type { Static, TObject } from '@sinclair/typebox';
import type { Caller } from '../auth/caller';
import type { JobType, ProcessUploadInput } from '../contracts';
import type { SendEmailInput } from '../email/contracts';
import { checkLinkOrigins, checkTemplateAccess, validateEmailRequest } from '../email/templates';
import { FileNotFound, WebhookDestinationRefused } from '../errors';
import type { FileStore } from '../files/file-store';
import type { WebhookDestinationPolicy } from '../webhooks/destination-policy';
import { checkRequest, requestFieldsOf, SendEmailRequest, UploadRequest } from './job-requests';
import type { JobInput } from './job-workflows';

/**
 * The workflow input for an upload job, taking size and checksum from intake; a notifyUrl the
 * outbound policy refuses already now is refused with the request.
 */
export async function uploadJobInput(
  { files, webhookDestinations }: JobInputServices,
  request: UploadRequest,
): Promise<ProcessUploadInput> {
  const stored = await files.get(request.fileId);
  if (!stored) throw new FileNotFound(request.fileId);
  if (request.notifyUrl !== undefined) {
    const refusal = await webhookDestinations.refusalAtRequest(request.notifyUrl);
    if (refusal) throw new WebhookDestinationRefused(refusal);
  }
  return { ...request, sha256: stored.sha256, size: stored.size, contentType: stored.contentType };
}

/** Who asks for a job's input, and what the application's links look like. */
export interface RequestContext {
  caller: Caller;
  /** The origin of APP_URL. */
  appOrigin: string;
}

/**
 * A send request that its template can render, that this caller may make, and whose links lead
 * to the application; an EmailRequestError names the field to fix.
 */
export function emailJobInput(request: SendEmailRequest, context: RequestContext): SendEmailInput {
  const input: SendEmailInput = { to: request.to, template: request.template, params: request.params ?? {} };
  validateEmailRequest(input);
  checkTemplateAccess(input.template, context.caller);
  checkLinkOrigins(input, context.appOrigin);
  return input;
}

export interface JobInputServices {
  files: FileStore;
  webhookDestinations: WebhookDestinationPolicy;
}

/**
 * Turns a dead letter's stored input, with a person's corrections laid over it, into the
 * workflow's input. The result is checked by the job type's request schema, like a new request.
 */
export type JobInputPreparer<T extends JobType> = (
  stored: unknown,
  corrected: Record<string, unknown> | undefined,
  context: RequestContext,
) => Promise<JobInput<T>>;

export type JobInputPreparers = { [T in JobType]: JobInputPreparer<T> };

/** A preparer from the job type's request schema and what turns a valid request into the input. */
export function preparer<S extends TObject, Input>(
  schema: S,
  prepare: (request: Static<S>, context: RequestContext) => Input | Promise<Input>,
): (
  stored: unknown,
  corrected: Record<string, unknown> | undefined,
  context: RequestContext,
) => Promise<Input> {
  return async (stored, corrected, context) =>
    prepare(checkRequest(schema, withCorrections(requestFieldsOf(schema, stored), corrected ?? {})), context);
}

/** Corrections laid over the stored fields; a correction of `null` removes the field. */
function withCorrections(
  stored: Record<string, unknown>,
  corrected: Record<string, unknown>,
): Record<string, unknown> {
  const merged = { ...stored, ...corrected };
  return Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== null));
}

export function jobInputPreparers(services: JobInputServices): JobInputPreparers {
  return {
    processUpload: preparer(UploadRequest, (request) => uploadJobInput(services, request)),
    sendEmail: preparer(SendEmailRequest, emailJobInput),
  };
}
