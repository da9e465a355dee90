// A worker process whose analysis of one file (HELD_FILE_ID) heartbeats forever, so that a test
// can kill the process mid-activity. Everything else is the real worker: run with `tsx`.
import { Context } from '@temporalio/activity';
import { NativeConnection } from '@temporalio/worker';
import type { JobActivities } from '../../src/activities';
import { loadConfig } from '../../src/config';
import { openServices } from '../../src/services';
import { createTemporalClient, temporalConnectionOptions } from '../../src/temporal/client';
import { createJobsWorker, WORKFLOWS_PATH } from '../../src/worker';
import { bundleWorkflows } from './temporal-env';

const HEARTBEAT_EVERY_MS = 500;

function holdAnalysisOf(fileId: string) {
  return (activities: JobActivities): JobActivities => ({
    ...activities,
    analyseFile: async (input) => {
      if (input.fileId !== fileId) return activities.analyseFile(input);
      process.stdout.write(`${JSON.stringify({ holding: fileId })}\n`);
      for (;;) {
        Context.current().heartbeat({ done: 1, total: 2 });
        await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_EVERY_MS));
      }
    },
  });
}

async function main(): Promise<void> {
  const heldFileId = process.env.HELD_FILE_ID;
  if (!heldFileId) throw new Error('HELD_FILE_ID is not set');
  const config = loadConfig();
  const services = await openServices(config);
  const worker = await createJobsWorker({
    connection: await NativeConnection.connect(temporalConnectionOptions(config)),
    namespace: config.temporalNamespace,
    workflowBundle: await bundleWorkflows(WORKFLOWS_PATH),
    dependencies: { config, temporal: createTemporalClient(config), ...services },
    wrapActivities: holdAnalysisOf(heldFileId),
  });
  process.stdout.write(`${JSON.stringify({ polling: true })}\n`);
  await worker.run();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
