const MAX_ADDRESS_LENGTH = 254;
// Deliberately loose: the SMTP server is the judge; this only catches what is plainly not an address.
const EMAIL_ADDRESS = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:".]+$/;

export function isEmailAddress(value: string): boolean {
  return value.length <= MAX_ADDRESS_LENGTH && EMAIL_ADDRESS.test(value);
}

/** The form used to compare addresses: `Ann@Example.com` and `ann@example.com` are one user. */
export function normalizeEmailAddress(value: string): string {
  return value.trim().toLowerCase();
}
