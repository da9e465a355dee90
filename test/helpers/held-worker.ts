// A worker process that a test kills mid-activity: with HELD_FILE_ID, its analysis of that file
// heartbeats forever; with HOLD_AFTER_EMAIL_DELIVERY=1, each e-mail delivery, once done, heartbeats
// forever instead of completing. Everything else (all of it, with neither) is the real worker:
// run with `tsx`.
import fs from 'node:fs';
import { Context } from '@temporalio/activity';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { NativeConnection } from '@temporalio/worker';
import type { JobActivities } from '../../src/activities';
import { loadConfig } from '../../src/config';
import { openServices } from '../../src/services';
import { createTemporalClient, temporalConnectionOptions } from '../../src/temporal/client';
import { createJobsWorker, WORKFLOWS_PATH } from '../../src/worker';
import { bundleWorkflows } from './temporal-env';

const HEARTBEAT_EVERY_MS = 500;

async function heartbeatForever(): Promise<never> {
  for (;;) {
    Context.current().heartbeat({ done: 1, total: 2 });
    await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_EVERY_MS));
  }
}

function holdAnalysisOf(fileId: string | undefined) {
  return (activities: JobActivities): JobActivities => ({
    ...activities,
    analyseFile: async (input) => {
      if (input.fileId !== fileId) return activities.analyseFile(input);
      process.stdout.write(`${JSON.stringify({ holding: fileId })}\n`);
      return heartbeatForever();
    },
  });
}

function holdEmailsAfterDelivery(activities: JobActivities): JobActivities {
  return {
    ...activities,
    deliverEmail: async (input) => {
      await activities.deliverEmail(input);
      const jobId = Context.current().info.workflowExecution?.workflowId;
      process.stdout.write(`${JSON.stringify({ delivered: jobId })}\n`);
      return heartbeatForever();
    },
  };
}

/** WORKFLOW_BUNDLE_FILE: the test's own bundle as JSON, which spares this process the build. */
async function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  const file = process.env.WORKFLOW_BUNDLE_FILE;
  if (!file) return bundleWorkflows(WORKFLOWS_PATH);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as WorkflowBundleWithSourceMap;
}

async function main(): Promise<void> {
  const heldFileId = process.env.HELD_FILE_ID;
  const holdEmails = process.env.HOLD_AFTER_EMAIL_DELIVERY === '1';
  const config = loadConfig();
  const services = await openServices(config);
  const worker = await createJobsWorker({
    connection: await NativeConnection.connect(temporalConnectionOptions(config)),
    namespace: config.temporalNamespace,
    workflowBundle: await workflowBundle(),
    dependencies: { config, temporal: createTemporalClient(config), ...services },
    wrapActivities: holdEmails ? holdEmailsAfterDelivery : holdAnalysisOf(heldFileId),
  });
  process.stdout.write(`${JSON.stringify({ polling: true })}\n`);
  await worker.run();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
