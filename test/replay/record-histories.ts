// Records workflow histories for the replay tests: `npm run record-histories`.
// Re-record only on purpose; a replay failure after a workflow change means the change is not
// backward compatible with runs already in flight.
import { JobsHarness } from '../helpers/jobs-harness';
import { WebhookReceiver } from '../helpers/webhook-receiver';
import { HISTORIES_DIR, saveHistory } from '../helpers/histories';

async function recordProcessUpload(harness: JobsHarness, receiver: WebhookReceiver): Promise<void> {
  receiver.answer([503], 200); // one retry, so the history holds a failed attempt too
  const { fileId } = await harness.uploadFile('a recorded upload\nwith two lines', 'text/plain');
  const jobId = await harness.startProcessing({ fileId, notifyUrl: receiver.url });
  await harness.waitForJob(jobId);
  const history = await harness.env.client.workflow.getHandle(jobId).fetchHistory();
  saveHistory('process-upload', history);
}

async function main(): Promise<void> {
  const harness = await JobsHarness.start();
  const receiver = await new WebhookReceiver().start();
  try {
    await recordProcessUpload(harness, receiver);
  } finally {
    await receiver.stop();
    await harness.stop();
  }
}

if (require.main === module) {
  main().then(
    () => console.log(`histories written to ${HISTORIES_DIR}`),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
