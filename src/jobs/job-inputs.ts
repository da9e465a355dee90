import type { JobType, ProcessUploadInput } from '../contracts';
import { badRequest, notFound } from '../api/errors';
import { isEmailAddress } from '../email/address';
import type { SendEmailInput } from '../email/contracts';
import { isHttpUrl } from '../urls';
import { EmailRequestError } from '../email/template-params';
import { validateEmailRequest } from '../email/templates';
import type { FileStore } from '../files/file-store';

/** What a client may say about an upload job; the rest comes from the stored file. */
export interface UploadRequest {
  fileId: string;
  notifyUrl?: string;
  notifyEmail?: string;
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(`Invalid input: '${field}' must be a string`, { field });
  return value;
}

export function parseUploadRequest(raw: Record<string, unknown>): UploadRequest {
  const fileId = optionalString(raw.fileId, 'fileId');
  if (!fileId) throw badRequest("Invalid input: 'fileId' is required", { field: 'fileId' });
  const notifyUrl = optionalString(raw.notifyUrl, 'notifyUrl');
  if (notifyUrl && !isHttpUrl(notifyUrl)) {
    throw badRequest("Invalid input: 'notifyUrl' must be an http(s) URL", { field: 'notifyUrl' });
  }
  const notifyEmail = optionalString(raw.notifyEmail, 'notifyEmail');
  if (notifyEmail && !isEmailAddress(notifyEmail)) {
    throw badRequest("Invalid input: 'notifyEmail' must be an e-mail address", { field: 'notifyEmail' });
  }
  return { fileId, ...(notifyUrl ? { notifyUrl } : {}), ...(notifyEmail ? { notifyEmail } : {}) };
}

/** The workflow input for an upload job, taking size and checksum from intake. */
export async function uploadJobInput(files: FileStore, request: UploadRequest): Promise<ProcessUploadInput> {
  const stored = await files.get(request.fileId);
  if (!stored) throw notFound('File not found', { fileId: request.fileId });
  return { ...request, sha256: stored.sha256, size: stored.size, contentType: stored.contentType };
}

/** A send request that its template can render, or a 400 naming the field to fix. */
export function parseEmailRequest(raw: Record<string, unknown>): SendEmailInput {
  const input: SendEmailInput = {
    to: typeof raw.to === 'string' ? raw.to.trim() : (raw.to as string),
    template: raw.template as string,
    params: (raw.params as Record<string, unknown> | undefined) ?? {},
  };
  try {
    validateEmailRequest(input);
  } catch (error) {
    if (error instanceof EmailRequestError) throw badRequest(error.message, { field: error.field });
    throw error;
  }
  return input;
}

export interface JobInputServices {
  files: FileStore;
}

export type JobInputPreparer = (raw: Record<string, unknown>) => Promise<unknown>;

/**
 * Per job type: checks a (possibly hand-corrected) input and turns it into the workflow's input.
 * Used by redrives, so a corrected input gets the same checks as a new request.
 */
export function jobInputPreparers(services: JobInputServices): Record<JobType, JobInputPreparer> {
  return {
    processUpload: (raw) => uploadJobInput(services.files, parseUploadRequest(raw)),
    sendEmail: async (raw) => parseEmailRequest(raw),
  };
}
