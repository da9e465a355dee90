// The e-mail templates, as typed code: each declares its parameters and renders subject, text and
// HTML. Values reach the HTML part only through the escaping `html` tag.
import { hasScope, type Caller, type Scope } from '../auth/caller';
import { Forbidden } from '../errors';
import { isEmailAddress } from './address';
import type { RenderedEmail, SendEmailInput } from './contracts';
import { html } from './html';
import {
  EmailRequestError,
  integer,
  parseParams,
  text,
  url,
  type ParamSpecs,
  type ParamsOf,
} from './template-params';

interface EmailTemplate<Specs extends ParamSpecs> {
  /**
   * The scope a caller needs to request this template through the API. Server-side sends (the
   * signup's welcome, an upload's notification) are not requests and are not limited by it.
   */
  requestableWith: Scope;
  params: Specs;
  render(params: ParamsOf<Specs>): RenderedEmail;
}

function defineTemplate<Specs extends ParamSpecs>(template: EmailTemplate<Specs>): EmailTemplate<Specs> {
  return template;
}

function layout(title: string, bodyHtml: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body>${bodyHtml}</body></html>`;
}

/** Sent once after signup. */
const welcome = defineTemplate({
  requestableWith: 'jobs:create',
  params: { name: text(true, 100) },
  render: ({ name }) => ({
    subject: `Welcome to durable-jobs, ${name}!`,
    text: `Hello ${name},\n\nWelcome to durable-jobs. Your account is ready.\n\n— The durable-jobs team\n`,
    html: layout(
      'Welcome',
      html`<p>Hello ${name},</p>
        <p>Welcome to durable-jobs. Your account is ready.</p>
        <p>— The durable-jobs team</p>`,
    ),
  }),
});

/** A link to choose a new password. */
const passwordReset = defineTemplate({
  // Internal only: a reset link sent to any address on request would make the service a phishing relay.
  requestableWith: 'admin',
  params: { name: text(true, 100), resetUrl: url(true), expiresInMinutes: integer(false, 1, 24 * 60) },
  render: ({ name, resetUrl, expiresInMinutes = 60 }) => ({
    subject: 'Reset your durable-jobs password',
    text:
      `Hello ${name},\n\nChoose a new password here: ${resetUrl}\n` +
      `The link expires in ${expiresInMinutes} minutes. If you did not ask for this, ignore this e-mail.\n`,
    html: layout(
      'Reset your password',
      html`<p>Hello ${name},</p>
        <p><a href="${resetUrl}">Choose a new password</a>.</p>` +
        html`<p>
          The link expires in ${expiresInMinutes} minutes. If you did not ask for this, ignore this e-mail.
        </p>`,
    ),
  }),
});

/** Sent to an upload's notifyEmail when its processing has finished. */
const uploadProcessed = defineTemplate({
  // Sent by the upload job itself; nobody needs to request it with made-up facts.
  requestableWith: 'admin',
  params: {
    fileId: text(true, 100),
    mimeType: text(true, 100),
    sha256: text(true, 64),
    sizeBytes: integer(true, 0, Number.MAX_SAFE_INTEGER),
  },
  render: ({ fileId, mimeType, sha256, sizeBytes }) => ({
    subject: `Your upload ${fileId} has been processed`,
    text: `File ${fileId} (${mimeType}, ${sizeBytes} bytes) has been processed.\nSHA-256: ${sha256}\n`,
    html: layout(
      'Upload processed',
      html`<p>File <code>${fileId}</code> (${mimeType}, ${sizeBytes} bytes) has been processed.</p>
        <p>SHA-256: <code>${sha256}</code></p>`,
    ),
  }),
});

export const EMAIL_TEMPLATES = {
  welcome,
  'password-reset': passwordReset,
  'upload-processed': uploadProcessed,
} as const;

export type TemplateName = keyof typeof EMAIL_TEMPLATES;
export const TEMPLATE_NAMES = Object.keys(EMAIL_TEMPLATES) as TemplateName[];

export function isTemplateName(name: string): name is TemplateName {
  return Object.prototype.hasOwnProperty.call(EMAIL_TEMPLATES, name);
}

function templateNamed(name: string): EmailTemplate<ParamSpecs> {
  if (!isTemplateName(name)) {
    throw new EmailRequestError(
      'template',
      `Unknown template '${name}'; known templates: ${TEMPLATE_NAMES.join(', ')}`,
    );
  }
  return EMAIL_TEMPLATES[name] as unknown as EmailTemplate<ParamSpecs>;
}

/** Throws `Forbidden` unless `caller` may request the (known) template by API. */
export function checkTemplateAccess(templateName: string, caller: Caller): void {
  const { requestableWith } = templateNamed(templateName);
  if (!hasScope(caller, requestableWith)) {
    throw new Forbidden(requestableWith, `Requesting template '${templateName}'`);
  }
}

/**
 * Links in a requested e-mail must lead to the application (`appOrigin`, from APP_URL), so that
 * nobody can have the service mail a link to a site of their own.
 */
export function checkLinkOrigins(request: SendEmailInput, appOrigin: string): void {
  const template = templateNamed(request.template);
  for (const [key, spec] of Object.entries(template.params)) {
    const value = request.params[key];
    if (spec.kind !== 'url' || typeof value !== 'string') continue;
    if (originOf(value) !== appOrigin) {
      throw new EmailRequestError(`params.${key}`, `'params.${key}' must be a link to ${appOrigin}`);
    }
  }
}

function originOf(value: string): string | undefined {
  try {
    return new URL(value.trim()).origin;
  } catch {
    return undefined;
  }
}

/** Everything that makes a send request renderable; throws `EmailRequestError` naming the field. */
export function validateEmailRequest(request: SendEmailInput): void {
  renderEmailRequest(request);
}

export function renderEmailRequest(request: SendEmailInput): RenderedEmail {
  if (typeof request.to !== 'string' || !isEmailAddress(request.to.trim())) {
    throw new EmailRequestError('to', `'to' must be an e-mail address`);
  }
  const template = templateNamed(request.template);
  return template.render(parseParams(request.template, template.params, request.params));
}
