// Phase 2: uploads and welcome e-mails run end to end by the project's worker on `npm start`'s
// server settings, then the minimal workflow with as many no-op steps on a fresh server of the same
// settings; the workers' memory after their runs; one history of each.
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { startCaptureServer } from '../../src/email/capture-server';
import { freeLoopbackPort } from '../../src/free-port';
import { silentLogger } from '../../src/logger';
import { BASELINE_WORKFLOW, startBaselineJob, startBaselineWorker } from './baseline';
import { withCleanups, type Cleanups } from './cleanups';
import { NPM_START_STORAGE, startBenchServer, type BenchServer } from './dev-servers';
import { measureEndToEnd, type EndToEndResult } from './end-to-end';
import { historyShape, type HistoryShape } from './history';
import { startUpload, startWelcomeEmail, storeTinyFiles } from './jobs';
import { rssMiB, type Child } from './processes';
import { startWorkerChild } from './project-processes';
import type { ThroughputSettings } from './settings';

export interface JobRun {
  result: EndToEndResult;
  history: HistoryShape;
  /** The worker's resident memory right after this run. */
  workerRssMiB: number;
}

export interface OurRuns {
  uploads: JobRun;
  emails: JobRun;
}

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
async function finishRun(client: Client, result: EndToEndResult, worker: Child): Promise<JobRun> {
  const workerRssMiB = rssMiB(worker.pid);
  return { result, workerRssMiB, history: await historyShape(client, result.jobIds) };
}

export function runOurJobs(settings: ThroughputSettings): Promise<OurRuns> {
  return withCleanups(async (cleanups) => {
    const server = await startBenchServer(NPM_START_STORAGE, cleanups);
    const { client } = server;
    const smtpUrl = await smtpCapture(server, cleanups);
    const files = await storeTinyFiles(server.config, settings.jobs);
    const worker = await startWorkerChild(server.config, client, smtpUrl, cleanups);
    const uploads = await measureEndToEnd(client, 'processUpload', settings, (i) =>
      startUpload(client, files[i]!),
    );
    const uploadRun = await finishRun(client, uploads, worker);
    const emails = await measureEndToEnd(client, 'sendEmail', settings, (i) => startWelcomeEmail(client, i));
    return { uploads: uploadRun, emails: await finishRun(client, emails, worker) };
  });
}

/** The minimal workflow with each number of steps in turn, by one minimal worker. */
export function runBaselines(
  settings: ThroughputSettings,
  stepCounts: number[],
): Promise<Map<number, JobRun>> {
  return withCleanups(async (cleanups) => {
    const server = await startBenchServer(NPM_START_STORAGE, cleanups);
    const { client } = server;
    const worker = await startBaselineWorker(server.config, client, cleanups);
    const runs = new Map<number, JobRun>();
    for (const steps of new Set(stepCounts)) {
      const result = await measureEndToEnd(client, BASELINE_WORKFLOW, settings, (i) =>
        startBaselineJob(client, steps, i),
      );
      runs.set(steps, await finishRun(client, result, worker));
    }
    return runs;
  });
}
