export const MAX_ADDRESS_LENGTH = 254;

/**
 * The one e-mail address rule, as a JSON Schema pattern (request schemas use it) and a RegExp.
 * Deliberately loose: the SMTP server is the judge; this only catches what is plainly not an
 * address. Non-ASCII local parts (`jörg@example.com`) pass.
 */
export const EMAIL_ADDRESS_PATTERN =
  '^[^\\s@<>()\\[\\],;:"]+@[^\\s@<>()\\[\\],;:"]+\\.[^\\s@<>()\\[\\],;:".]+$';
const EMAIL_ADDRESS = new RegExp(EMAIL_ADDRESS_PATTERN, 'u');

export function isEmailAddress(value: string): boolean {
  return value.length <= MAX_ADDRESS_LENGTH && EMAIL_ADDRESS.test(value);
}

/** The form used to compare addresses: `Ann@Example.com` and `ann@example.com` are one user. */
export function normalizeEmailAddress(value: string): string {
  return value.trim().toLowerCase();
}
