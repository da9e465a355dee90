// The throughput section of `npm run bench` (issue 13): starts, HTTP enqueue, jobs end to end and
// worker memory, each beside the baseline Temporal itself sets on this machine. Asserts nothing.
import { runJobs, type JobRun, type RunPair } from './end-to-end-phase';
import type { Figure } from './figures';
import { extraEvents } from './history';
import { describeMachine } from './machine';
import { printReport } from './report';
import { throughputSettings } from './settings';
import { startRateFigures } from './start-phase';

const RSS_LIMIT_MIB = 250;

function runNote(run: JobRun): string | undefined {
  const { result } = run;
  const parts: string[] = [];
  if (result.notCompleted > 0) parts.push(`${result.notCompleted} not completed`);
  if (result.timedOut) parts.push('phase timed out');
  return parts.length > 0 ? parts.join('; ') : undefined;
}

function jobFigures(
  name: string,
  label: string,
  { ours, baseline, bookkeeping }: RunPair,
  target: number,
): Figure[] {
  const steps = ours.history.activities;
  const baselineLabel = `minimal workflow, ${steps} no-op ${steps === 1 ? 'activity' : 'activities'}`;
  const note = runNote(ours);
  return [
    {
      id: `end-to-end-${name}`,
      figure: `end to end, ${label}`,
      unit: 'jobs/s',
      ours: ours.result.jobsPerSecond,
      baseline: baseline.result.jobsPerSecond,
      baselineLabel,
      target: { kind: 'ratio-at-least', value: target },
      ...(note ? { note } : {}),
    },
    {
      id: `end-to-end-${name}-bookkeeping`,
      figure: `end to end, ${label}, against the minimal workflow with a job's bookkeeping`,
      unit: 'jobs/s',
      ours: ours.result.jobsPerSecond,
      baseline: bookkeeping.result.jobsPerSecond,
      baselineLabel: `${baselineLabel}, plus a patch marker, JobState and the progress memo`,
      target: { kind: 'none' },
      note: 'the cost of our steps and worker, apart from what Temporal records',
    },
    {
      id: `bookkeeping-${name}`,
      figure: `end to end, the minimal workflow with a job's bookkeeping, beside the ${label}`,
      unit: 'jobs/s',
      ours: bookkeeping.result.jobsPerSecond,
      baseline: baseline.result.jobsPerSecond,
      baselineLabel,
      target: { kind: 'none' },
      note: `Temporal recording ${bookkeeping.history.events - baseline.history.events} more events per job`,
    },
    {
      id: `history-events-${name}`,
      figure: `history events per job, ${label}`,
      unit: 'events',
      ours: ours.history.events,
      baseline: baseline.history.events,
      baselineLabel,
      target: { kind: 'none' },
      note: historyNote(ours, baseline),
    },
  ];
}

function historyNote(ours: JobRun, baseline: JobRun): string {
  const timeouts = (run: JobRun) => `${run.history.withTaskTimeouts}/${run.history.sampled}`;
  return (
    `shortest of ${ours.history.sampled} sampled: ${extraEvents(ours.history, baseline.history)}; ` +
    `runs with a workflow task timeout: ours ${timeouts(ours)}, baseline ${timeouts(baseline)}`
  );
}

function rssFigure(id: string, label: string, { ours, baseline }: RunPair): Figure {
  return {
    id,
    figure: `worker RSS after ${label}`,
    unit: 'MiB',
    ours: ours.workerRssMiB,
    baseline: baseline.workerRssMiB,
    baselineLabel: 'minimal worker after as many runs',
    target: { kind: 'at-most', value: RSS_LIMIT_MIB },
  };
}

export async function runThroughputSection(): Promise<void> {
  const settings = throughputSettings();
  const machine = describeMachine();
  const starts = await startRateFigures(settings);
  const { uploads, emails } = await runJobs(settings);
  printReport(machine, settings, [
    ...starts,
    ...jobFigures('uploads', `${settings.jobs} tiny uploads`, uploads, 0.9),
    ...jobFigures('emails', `${settings.jobs} welcome e-mails`, emails, 1.0),
    rssFigure('worker-rss-uploads', `${settings.jobs} uploads`, uploads),
    rssFigure('worker-rss-uploads-emails', `${settings.jobs} uploads, then ${settings.jobs} e-mails`, emails),
  ]);
}
