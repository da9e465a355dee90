// The real worker process (`runWorkerProcess`: signals, drain, reconnects) with a slow analysis of
// one file (SLOW_FILE_ID): it heartbeats for SLOW_ANALYSIS_MS before the real analysis runs, and
// gives up as a real read would when its attempt is cancelled. The workflow bundle is read from
// WORKFLOW_BUNDLE_PATH, built once by the test for all its worker processes. Run with tsx's loader.
import { Context } from '@temporalio/activity';
import type { JobActivities } from '../../src/activities';
import { runWorkerProcess } from '../../src/worker';

const HEARTBEAT_EVERY_MS = 200;

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

function say(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function slowAnalysisOf(fileId: string, slowMs: number) {
  return (activities: JobActivities): JobActivities => ({
    ...activities,
    analyseFile: async (input) => {
      if (input.fileId !== fileId) return activities.analyseFile(input);
      const context = Context.current();
      say({ analysing: fileId, attempt: context.info.attempt });
      const until = Date.now() + slowMs;
      while (Date.now() < until) {
        context.heartbeat({ done: 1, total: 2 });
        await context.sleep(HEARTBEAT_EVERY_MS);
      }
      return activities.analyseFile(input);
    },
  });
}

runWorkerProcess({
  workflowBundle: { codePath: required('WORKFLOW_BUNDLE_PATH') },
  wrapActivities: slowAnalysisOf(required('SLOW_FILE_ID'), Number(required('SLOW_ANALYSIS_MS'))),
}).catch((error) => {
  console.error(error);
  process.exit(1);
});
