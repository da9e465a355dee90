// Records workflow histories for the replay tests: `npm run record-histories`, or
// `npm run record-histories -- <name>...` for only the named ones.
// Re-record only on purpose: a replay failure after a workflow change means the change would break
// runs already in flight (version it with `patched()` instead).
import { TASK_QUEUE } from '../../src/contracts';
import { sweepRetention } from '../../src/workflows/sweep-retention';
import { JobsHarness } from '../helpers/jobs-harness';
import { HISTORIES_DIR, saveHistory } from '../helpers/histories';
import { TestSmtpServer } from '../helpers/smtp-test-server';
import { WebhookReceiver } from '../helpers/webhook-receiver';

interface Recorders {
  harness: JobsHarness;
  receiver: WebhookReceiver;
}

const only = process.argv.slice(2);

async function record(name: string, { harness }: Recorders, start: () => Promise<string>): Promise<void> {
  if (only.length > 0 && !only.includes(name)) return;
  const jobId = await start();
  await harness.waitForJob(jobId);
  saveHistory(name, await harness.env.client.workflow.getHandle(jobId).fetchHistory());
}

async function uploadWithWebhook({ harness, receiver }: Recorders, label: string): Promise<string> {
  const { fileId } = await harness.uploadFile(label, 'text/plain');
  return harness.startProcessing({ fileId, notifyUrl: receiver.url });
}

async function sendWelcome({ harness }: Recorders, to: string): Promise<string> {
  const response = await harness.app.inject({
    method: 'POST',
    url: '/emails',
    payload: { to, template: 'welcome', params: { name: 'Replay <Test>' } },
  });
  return response.json().jobId;
}

/** An orphan upload two days old: the sweep deletes it, and runs every other step with nothing to do. */
async function sweepAfterTwoDays({ harness }: Recorders): Promise<string> {
  await harness.uploadFile('an upload no job used', 'text/plain');
  await harness.env.sleep('2 days');
  const handle = await harness.env.client.workflow.start(sweepRetention, {
    taskQueue: TASK_QUEUE,
    workflowId: 'retention-recorded',
  });
  return handle.workflowId;
}

async function main(): Promise<void> {
  // gone@ is refused with 550 (dead-lettered); the first DATA gets 421 (a retried delivery).
  const smtp = await TestSmtpServer.start({
    replyToData: (attempt) => (attempt === 1 ? { code: 421, message: '4.3.2 Try again later' } : undefined),
    replyToRecipient: (_attempt, address) =>
      address === 'gone@example.com' ? { code: 550, message: '5.1.1 Mailbox unavailable' } : undefined,
  });
  const recorders: Recorders = {
    harness: await JobsHarness.start({ config: { smtpUrl: smtp.url } }),
    receiver: await new WebhookReceiver().start(),
  };
  try {
    recorders.receiver.answer([503], 200);
    await record('process-upload', recorders, () =>
      uploadWithWebhook(recorders, 'a recorded upload\nwith two lines'),
    );
    recorders.receiver.answer([], 410);
    await record('process-upload-dead-lettered', recorders, () =>
      uploadWithWebhook(recorders, 'rejected hook'),
    );
    await record('send-email-dead-lettered', recorders, () => sendWelcome(recorders, 'gone@example.com'));
    await record('send-email', recorders, () => sendWelcome(recorders, 'replay@example.com'));
    await record('sweep-retention', recorders, () => sweepAfterTwoDays(recorders));
  } finally {
    await recorders.receiver.stop();
    await recorders.harness.stop();
    await smtp.stop();
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
