// Records workflow histories for the replay tests: `npm run record-histories`, or
// `npm run record-histories -- <name>...` for only the named ones.
// Only histories not yet on disk are written: the ones already there were recorded by earlier
// workflow code and prove that runs started then still replay (a replay failure after a workflow
// change means it would break runs in flight: version it with `patched()` instead). Add a new name
// for a new story; delete a file on purpose only.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../src/config';
import { TASK_QUEUE } from '../../src/contracts';
import { sweepRetention } from '../../src/workflows/sweep-retention';
import { JobsHarness } from '../helpers/jobs-harness';
import { HISTORIES_DIR, saveHistory } from '../helpers/histories';
import { TestSmtpServer } from '../helpers/smtp-test-server';
import { WebhookReceiver } from '../helpers/webhook-receiver';
import { REPLAY_ENCRYPTION_KEYS } from './replay-keys';

interface Recorders {
  harness: JobsHarness;
  receiver: WebhookReceiver;
}

const only = process.argv.slice(2);

async function record(name: string, { harness }: Recorders, start: () => Promise<string>): Promise<void> {
  if (only.length > 0 && !only.includes(name)) return;
  if (fs.existsSync(path.join(HISTORIES_DIR, `${name}.json`))) {
    console.log(`${name}: kept (already recorded)`);
    return;
  }
  const jobId = await start();
  await harness.waitForJob(jobId);
  saveHistory(name, await harness.env.client.workflow.getHandle(jobId).fetchHistory());
  console.log(`${name}: recorded`);
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

/**
 * gone@ is refused with 550 (dead-lettered); the first DATA gets 421 (a retried delivery), so the
 * first e-mail recorded in a group shows a retry.
 */
async function withRecorders(
  config: Partial<Config>,
  recordAll: (recorders: Recorders) => Promise<void>,
): Promise<void> {
  const smtp = await TestSmtpServer.start({
    replyToData: (attempt) => (attempt === 1 ? { code: 421, message: '4.3.2 Try again later' } : undefined),
    replyToRecipient: (_attempt, address) =>
      address === 'gone@example.com' ? { code: 550, message: '5.1.1 Mailbox unavailable' } : undefined,
  });
  const receiver = await new WebhookReceiver().start();
  const recorders: Recorders = {
    harness: await JobsHarness.start({
      config: { smtpUrl: smtp.url, webhookAllowedHosts: [receiver.allowedHost], ...config },
    }),
    receiver,
  };
  try {
    await recordAll(recorders);
  } finally {
    await recorders.receiver.stop();
    await recorders.harness.stop();
    await smtp.stop();
  }
}

async function main(): Promise<void> {
  await withRecorders({}, async (recorders) => {
    recorders.receiver.answer([503], 200);
    await record('process-upload', recorders, () =>
      uploadWithWebhook(recorders, 'a recorded upload\nwith two lines'),
    );
    recorders.receiver.answer([], 410);
    await record('process-upload-dead-lettered', recorders, () =>
      uploadWithWebhook(recorders, 'rejected hook'),
    );
    // Before the render-in-delivery patch: renderEmail, then deliverEmail with the rendered body.
    await record('send-email-dead-lettered', recorders, () => sendWelcome(recorders, 'gone@example.com'));
    await record('send-email', recorders, () => sendWelcome(recorders, 'replay@example.com'));
    // After it: deliverEmail alone, rendering the job's request itself.
    await record('send-email-render-in-delivery', recorders, () =>
      sendWelcome(recorders, 'replay@example.com'),
    );
    await record('send-email-render-in-delivery-dead-lettered', recorders, () =>
      sendWelcome(recorders, 'gone@example.com'),
    );
    await record('sweep-retention', recorders, () => sweepAfterTwoDays(recorders));
  });
  // Payloads encrypted: replayed with the same (test-only) key.
  await withRecorders({ payloadEncryptionKeys: REPLAY_ENCRYPTION_KEYS }, async (recorders) => {
    await record('send-email-encrypted', recorders, () => sendWelcome(recorders, 'replay@example.com'));
    await record('send-email-encrypted-dead-lettered', recorders, () =>
      sendWelcome(recorders, 'gone@example.com'),
    );
  });
}

if (require.main === module) {
  main().then(
    () => console.log(`histories in ${HISTORIES_DIR}`),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
