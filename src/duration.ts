const UNIT_MS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const DURATION = /^(\d+)\s*([smhd]?)$/;

/**
 * A duration written as a whole number of seconds (`3600`) or with one unit: `30s`, `30m`, `12h`,
 * `7d`. Returns milliseconds, or undefined when the text is not such a duration.
 */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim().toLowerCase());
  if (!match) return undefined;
  const amount = Number(match[1]);
  const ms = amount * (UNIT_MS[match[2] || 's'] ?? 0);
  return Number.isSafeInteger(ms) ? ms : undefined;
}
