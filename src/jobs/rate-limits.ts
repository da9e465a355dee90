// Per-job-type rate limits (JOB_RATE_LIMITS=sendEmail:10/s,processUpload:30/m): how many steps
// of a job type each worker may start per second. Parsed here; enforced by the worker's
// `jobTypeRateLimiter`.
import { isJobType, type JobType } from '../contracts';

export type JobRateLimits = Partial<Record<JobType, number>>;

const PER_SECOND: Record<string, number> = { s: 1, m: 1 / 60, h: 1 / 3600 };
const LIMIT = /^([A-Za-z]+):(\d+(?:\.\d+)?)\/([smh])$/;

/** The limits in steps per second; a message saying what is wrong otherwise. */
export function parseJobRateLimits(text: string): JobRateLimits | string {
  const limits: JobRateLimits = {};
  for (const entry of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = LIMIT.exec(entry);
    if (!match) return `must be jobType:N/s, N/m or N/h entries separated by commas, got "${entry}"`;
    const [, jobType, amount, unit] = match as unknown as [string, string, string, string];
    if (!isJobType(jobType)) return `names an unknown job type "${jobType}"`;
    if (limits[jobType] !== undefined) return `gives ${jobType} twice`;
    const perSecond = Number(amount) * PER_SECOND[unit]!;
    if (!(perSecond > 0)) return `must give ${jobType} a rate above zero`;
    limits[jobType] = perSecond;
  }
  return limits;
}
