// Phase 2: uploads and welcome e-mails run end to end by the project's worker on `npm start`'s
// server settings, then the minimal workflow with as many no-op steps on a fresh server of the same
// settings; the workers' memory after their runs; one history of each.
import path from 'node:path';
import { startCaptureServer } from '../../src/email/capture-server';
import { freeLoopbackPort } from '../../src/free-port';
import { silentLogger } from '../../src/logger';
import { baselineJobId, BASELINE_WORKFLOW, startBaselineJob, startBaselineWorker } from './baseline';
import { withCleanups, type Cleanups } from './cleanups';
import { NPM_START_STORAGE, startBenchServer, type BenchServer } from './dev-servers';
import { measureEndToEnd, type EndToEndResult } from './end-to-end';
import { historyShape, type HistoryShape } from './history';
import { startUpload, startWelcomeEmail, storeTinyFiles } from './jobs';
import { rssMiB } from './processes';
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
    const uploadRss = rssMiB(worker.pid);
    const emails = await measureEndToEnd(client, 'sendEmail', settings, (i) => startWelcomeEmail(client, i));
    const emailRss = rssMiB(worker.pid);
    return {
      uploads: {
        result: uploads,
        history: await historyShape(client, { workflowType: 'processUpload' }),
        workerRssMiB: uploadRss,
      },
      emails: {
        result: emails,
        history: await historyShape(client, { workflowType: 'sendEmail' }),
        workerRssMiB: emailRss,
      },
    };
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
      const history = await historyShape(client, { workflowId: baselineJobId(steps, 0) });
      runs.set(steps, { result, history, workerRssMiB: rssMiB(worker.pid) });
    }
    return runs;
  });
}
