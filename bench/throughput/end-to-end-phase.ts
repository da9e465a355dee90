// Phase 2: uploads and welcome e-mails run end to end by the project's worker on `npm start`'s
// server settings, each against the minimal workflow with as many no-op steps (run by the minimal
// worker on a second server of the same settings) and against that workflow with a job's
// bookkeeping (patch marker, JobState, progress memo), which tells Temporal's share of the gap. The
// series take turns, round after round, so that the shared machine's changing load falls on all
// alike. Then the workers' memory, and the histories of a sample of each run.
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { startCaptureServer } from '../../src/email/capture-server';
import { freeLoopbackPort } from '../../src/free-port';
import { silentLogger } from '../../src/logger';
import {
  BASELINE_WORKFLOW,
  BOOKKEEPING_WORKFLOW,
  startBaselineJob,
  startBaselineWorker,
  startBookkeepingJob,
} from './baseline';
import { withCleanups, type Cleanups } from './cleanups';
import { NPM_START_STORAGE, startBenchServer, type BenchServer } from './dev-servers';
import { combinedRuns, measureEndToEnd, type EndToEndResult } from './end-to-end';
import { historyShape, type HistoryShape } from './history';
import { startUpload, startWelcomeEmail, storeTinyFiles } from './jobs';
import { rssMiB, type Child } from './processes';
import { startWorkerChild } from './project-processes';
import type { ThroughputSettings } from './settings';

const ROUNDS = 4;

export interface JobRun {
  result: EndToEndResult;
  history: HistoryShape;
  /** The worker's resident memory right after this run. */
  workerRssMiB: number;
}

export interface RunPair {
  ours: JobRun;
  baseline: JobRun;
  /** The baseline with a job's bookkeeping (`bookkeepingJob`): Temporal's share of the difference. */
  bookkeeping: JobRun;
}

interface Side {
  client: Client;
  worker: Child;
}

/** One round of a side's jobs: `settings.jobs` of them, the first numbered `offset`. */
type Round = (settings: ThroughputSettings, offset: number) => Promise<EndToEndResult>;

/** The capturing SMTP server `npm start` runs, here in the bench's process. */
async function smtpCapture(server: BenchServer, cleanups: Cleanups): Promise<string> {
  const capture = await startCaptureServer({
    directory: path.join(server.config.dataDir, 'mail'),
    port: await freeLoopbackPort(),
    logger: silentLogger,
  });
  cleanups.defer(() => capture.stop());
  return `smtp://127.0.0.1:${capture.port}`;
}

/** The worker's memory right after the run, then the run's histories. */
async function finishRun(side: Side, result: EndToEndResult): Promise<JobRun> {
  const workerRssMiB = rssMiB(side.worker.pid);
  return { result, workerRssMiB, history: await historyShape(side.client, result.jobIds) };
}

type Series = 'ours' | 'baseline' | 'bookkeeping';

/** Every series a round's share of the jobs at a time; which goes first changes every round. */
async function alternate(
  settings: ThroughputSettings,
  rounds: Record<Series, Round>,
): Promise<Record<Series, EndToEndResult>> {
  const perRound = { ...settings, jobs: Math.ceil(settings.jobs / ROUNDS) };
  const names = Object.keys(rounds) as Series[];
  const runs = { ours: [], baseline: [], bookkeeping: [] } as Record<Series, EndToEndResult[]>;
  for (let round = 0; round < ROUNDS; round += 1) {
    const offset = round * perRound.jobs;
    for (let turn = 0; turn < names.length; turn += 1) {
      const name = names[(turn + round) % names.length]!;
      runs[name].push(await rounds[name](perRound, offset));
    }
  }
  return {
    ours: combinedRuns(runs.ours),
    baseline: combinedRuns(runs.baseline),
    bookkeeping: combinedRuns(runs.bookkeeping),
  };
}

/** Runs one job to its end and counts its activities: the baseline gets as many. */
async function stepsOf(client: Client, start: () => Promise<string>): Promise<number> {
  const jobId = await start();
  await client.workflow.getHandle(jobId).result();
  return (await historyShape(client, [jobId])).activities;
}

async function ourSide(settings: ThroughputSettings, cleanups: Cleanups) {
  const server = await startBenchServer(NPM_START_STORAGE, cleanups);
  const { client } = server;
  const smtpUrl = await smtpCapture(server, cleanups);
  const files = await storeTinyFiles(server.config, settings.jobs + 1);
  const worker = await startWorkerChild(server.config, client, smtpUrl, cleanups);
  // One of each first, untimed: the worker's code compiled, and the number of steps to match.
  const uploadSteps = await stepsOf(client, () => startUpload(client, files[settings.jobs]!));
  const emailSteps = await stepsOf(client, () => startWelcomeEmail(client, settings.jobs));
  return { side: { client, worker }, files, uploadSteps, emailSteps };
}

async function baselineSide(cleanups: Cleanups, stepCounts: number[]): Promise<Side> {
  const server = await startBenchServer(NPM_START_STORAGE, cleanups);
  const worker = await startBaselineWorker(server.config, server.client, cleanups);
  for (const steps of stepCounts) {
    await stepsOf(server.client, () => startBaselineJob(server.client, steps));
    await stepsOf(server.client, () => startBookkeepingJob(server.client, steps));
  }
  return { client: server.client, worker };
}

function baselineRound(side: Side, steps: number): Round {
  return (settings) =>
    measureEndToEnd(side.client, BASELINE_WORKFLOW, settings, () => startBaselineJob(side.client, steps));
}

function bookkeepingRound(side: Side, steps: number): Round {
  return (settings) =>
    measureEndToEnd(side.client, BOOKKEEPING_WORKFLOW, settings, () =>
      startBookkeepingJob(side.client, steps),
    );
}

async function finishRuns(
  ours: Side,
  baseline: Side,
  runs: Record<Series, EndToEndResult>,
): Promise<RunPair> {
  return {
    ours: await finishRun(ours, runs.ours),
    baseline: await finishRun(baseline, runs.baseline),
    bookkeeping: await finishRun(baseline, runs.bookkeeping),
  };
}

export function runJobs(settings: ThroughputSettings): Promise<{ uploads: RunPair; emails: RunPair }> {
  return withCleanups(async (cleanups) => {
    const ours = await ourSide(settings, cleanups);
    const baseline = await baselineSide(cleanups, [ours.uploadSteps, ours.emailSteps]);
    const { client } = ours.side;
    const uploadRuns = await alternate(settings, {
      ours: (perRound, offset) =>
        measureEndToEnd(client, 'processUpload', perRound, (i) =>
          startUpload(client, ours.files[offset + i]!),
        ),
      baseline: baselineRound(baseline, ours.uploadSteps),
      bookkeeping: bookkeepingRound(baseline, ours.uploadSteps),
    });
    const uploads = await finishRuns(ours.side, baseline, uploadRuns);
    const emailRuns = await alternate(settings, {
      ours: (perRound, offset) =>
        measureEndToEnd(client, 'sendEmail', perRound, (i) => startWelcomeEmail(client, offset + i)),
      baseline: baselineRound(baseline, ours.emailSteps),
      bookkeeping: bookkeepingRound(baseline, ours.emailSteps),
    });
    const emails = await finishRuns(ours.side, baseline, emailRuns);
    return { uploads, emails };
  });
}
