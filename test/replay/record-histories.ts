// Records workflow histories for the replay tests: `npm run record-histories [name...]` records the
// named histories, or every one whose file is missing. A recorded history is never overwritten: a
// replay failure after a workflow change means the change would break runs already in flight
// (version it with `patched()` and record the new path under a new name instead).
import fs from 'node:fs';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import type { JobActivities } from '../../src/activities';
import type { Config } from '../../src/config';
import { TASK_QUEUE } from '../../src/contracts';
import { workerShutdownFailure } from '../../src/temporal/worker-shutdown';
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

async function record(name: string, { harness }: Recorders, start: () => Promise<string>): Promise<void> {
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

/** Files whose first analysis is interrupted as a worker shutdown reports it. */
const interruptOnce = new Set<string>();

function interruptingAnalysis(activities: JobActivities): JobActivities {
  return {
    ...activities,
    analyseFile: async (input) => {
      if (!interruptOnce.delete(input.fileId)) return activities.analyseFile(input);
      throw workerShutdownFailure(Context.current().info.attempt);
    },
  };
}

async function uploadInterruptedByShutdown({ harness, receiver }: Recorders): Promise<string> {
  receiver.answer([], 200);
  const { fileId } = await harness.uploadFile('an analysis a deploy interrupted', 'text/plain');
  interruptOnce.add(fileId);
  return harness.startProcessing({ fileId, notifyUrl: receiver.url });
}

/** Cancelled through the API while its webhook is being retried: compensation, no dead letter. */
async function cancelledDuringWebhookRetries(recorders: Recorders): Promise<string> {
  recorders.receiver.answer([], 503);
  const jobId = await uploadWithWebhook(recorders, 'an upload cancelled half way');
  while (recorders.receiver.deliveriesFor(jobId).length === 0) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const response = await recorders.harness.app.inject({ method: 'POST', url: `/jobs/${jobId}/cancel` });
  if (response.statusCode !== 202) throw new Error(`cancel failed: ${response.statusCode} ${response.body}`);
  return jobId;
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

/** After expire-idempotency-keys: a key used two days ago is forgotten, after the other steps. */
async function sweepForgettingAKey({ harness }: Recorders): Promise<string> {
  await harness.testApp.services.idempotencyKeys.use({
    scope: 'anonymous',
    operation: 'POST /emails',
    key: 'recorded-key',
    requestHash: 'recorded-hash',
  });
  await harness.env.sleep('2 days');
  const handle = await harness.env.client.workflow.start(sweepRetention, {
    taskQueue: TASK_QUEUE,
    workflowId: 'retention-recorded-keys',
  });
  return handle.workflowId;
}

interface Recording {
  /** Recorded with payload encryption on, replayed with the same (test-only) key. */
  encrypted?: boolean;
  start(recorders: Recorders): Promise<string>;
}

// Histories recorded before a patch were recorded by the workflow code of their time; recording
// them again now would lose that path. Each name says which path it holds.
const RECORDINGS: Record<string, Recording> = {
  'process-upload': {
    start: (recorders) => {
      recorders.receiver.answer([503], 200);
      return uploadWithWebhook(recorders, 'a recorded upload\nwith two lines');
    },
  },
  'process-upload-dead-lettered': {
    start: (recorders) => {
      recorders.receiver.answer([], 410);
      return uploadWithWebhook(recorders, 'rejected hook');
    },
  },
  'process-upload-without-open-step': {
    start: (recorders) => {
      recorders.receiver.answer([503], 200);
      return uploadWithWebhook(recorders, 'an upload analysed\nwithout an open step');
    },
  },
  // Before render-in-delivery: renderEmail, then deliverEmail with the rendered body.
  'send-email-dead-lettered': { start: (recorders) => sendWelcome(recorders, 'gone@example.com') },
  'send-email': { start: (recorders) => sendWelcome(recorders, 'replay@example.com') },
  // After it: deliverEmail alone, rendering the job's request itself.
  'send-email-render-in-delivery': { start: (recorders) => sendWelcome(recorders, 'replay@example.com') },
  'send-email-render-in-delivery-dead-lettered': {
    start: (recorders) => sendWelcome(recorders, 'gone@example.com'),
  },
  'sweep-retention': { start: sweepAfterTwoDays },
  'sweep-retention-expiring-keys': { start: sweepForgettingAKey },
  // After retry-worker-shutdown: analyseFile interrupted by a worker shutdown, scheduled again.
  'process-upload-worker-shutdown': { start: uploadInterruptedByShutdown },
  // After compensate-on-cancel: a cancelled job marks its upload incomplete and records its stage.
  'process-upload-cancelled': { start: cancelledDuringWebhookRetries },
  // After closed-by-completion: no bookkeeping after the last step, one marker instead of two.
  'send-email-closed-by-completion': { start: (recorders) => sendWelcome(recorders, 'replay@example.com') },
  'process-upload-closed-by-completion': {
    start: (recorders) => {
      recorders.receiver.answer([503], 200);
      return uploadWithWebhook(recorders, 'an upload closed\nby its completion');
    },
  },
  'send-email-encrypted': {
    encrypted: true,
    start: (recorders) => sendWelcome(recorders, 'replay@example.com'),
  },
  'send-email-encrypted-dead-lettered': {
    encrypted: true,
    start: (recorders) => sendWelcome(recorders, 'gone@example.com'),
  },
};

const recorded = (name: string) => fs.existsSync(path.join(HISTORIES_DIR, `${name}.json`));

function chosenNames(args: string[]): string[] {
  const unknown = args.filter((name) => !(name in RECORDINGS));
  if (unknown.length > 0) throw new Error(`No recording named ${unknown.join(', ')}`);
  const names = args.length > 0 ? args : Object.keys(RECORDINGS);
  const existing = names.filter(recorded);
  if (args.length > 0 && existing.length > 0) {
    throw new Error(`Already recorded (never overwritten; record under a new name): ${existing.join(', ')}`);
  }
  return names.filter((name) => !recorded(name));
}

/** gone@ is refused with 550 (dead-lettered); the first DATA gets 421 (a retried delivery). */
async function recordWith(config: Partial<Config>, names: string[]): Promise<void> {
  if (names.length === 0) return;
  const smtp = await TestSmtpServer.start({
    replyToData: (attempt) => (attempt === 1 ? { code: 421, message: '4.3.2 Try again later' } : undefined),
    replyToRecipient: (_attempt, address) =>
      address === 'gone@example.com' ? { code: 550, message: '5.1.1 Mailbox unavailable' } : undefined,
  });
  const receiver = await new WebhookReceiver().start();
  const recorders: Recorders = {
    harness: await JobsHarness.start({
      config: { smtpUrl: smtp.url, webhookAllowedHosts: [receiver.allowedHost], ...config },
      wrapActivities: interruptingAnalysis,
    }),
    receiver,
  };
  try {
    for (const name of names) await record(name, recorders, () => RECORDINGS[name]!.start(recorders));
  } finally {
    await recorders.receiver.stop();
    await recorders.harness.stop();
    await smtp.stop();
  }
}

async function main(names: string[]): Promise<void> {
  await recordWith(
    {},
    names.filter((name) => !RECORDINGS[name]!.encrypted),
  );
  await recordWith(
    { payloadEncryptionKeys: REPLAY_ENCRYPTION_KEYS },
    names.filter((name) => RECORDINGS[name]!.encrypted),
  );
}

if (require.main === module) {
  const names = chosenNames(process.argv.slice(2));
  main(names).then(
    () => console.log(`recorded ${names.join(', ') || 'nothing (all present)'} in ${HISTORIES_DIR}`),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
