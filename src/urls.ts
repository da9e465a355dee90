/** Whether `value` parses as a URL with one of the given protocols (`'https:'`, …). */
export function hasUrlProtocol(value: string, protocols: readonly string[]): boolean {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

export function isHttpUrl(value: string): boolean {
  return hasUrlProtocol(value, ['http:', 'https:']);
}
