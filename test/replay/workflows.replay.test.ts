import { Worker } from '@temporalio/worker';
import { payloadDataConverter } from '../../src/temporal/data-converter';
import { WORKFLOWS_PATH } from '../../src/worker';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { CLOSED_BY_COMPLETION_PATCH } from '../../src/workflows/job-lifecycle';
import { loadHistory } from '../helpers/histories';
import { bundleWorkflows } from '../helpers/temporal-env';
import { REPLAY_ENCRYPTION_KEYS } from './replay-keys';

// Recorded from real runs by `npm run record-histories`; older files are kept as they were, so
// runs started by earlier workflow code are proven to replay.
const RECORDED = [
  ['process-upload', 'a failed webhook attempt, then success', 'completed'],
  ['process-upload-dead-lettered', 'webhook rejected, compensation, dead letter', 'failed'],
  [
    'process-upload-without-open-step',
    'no open step (patched), a failed webhook attempt, then success',
    'completed',
  ],
  ['send-email', 'before render-in-delivery: SMTP 421 once, then delivered', 'completed'],
  ['send-email-dead-lettered', 'before render-in-delivery: SMTP 550, dead letter', 'failed'],
  ['send-email-render-in-delivery', 'deliverEmail renders: SMTP 421 once, then delivered', 'completed'],
  ['send-email-render-in-delivery-dead-lettered', 'deliverEmail renders: SMTP 550, dead letter', 'failed'],
  ['sweep-retention', 'an orphan file deleted, nothing else due', 'completed'],
  [
    'sweep-retention-expiring-keys',
    'an expired idempotency key forgotten (expire-idempotency-keys patched)',
    'completed',
  ],
  [
    'process-upload-worker-shutdown',
    'analyseFile interrupted by a worker shutdown, scheduled again (patched), then success',
    'completed',
  ],
  [
    'process-upload-cancelled',
    'cancelled during webhook retries (compensate-on-cancel patched): upload marked incomplete',
    'cancelled',
  ],
  [
    'send-email-closed-by-completion',
    'closed-by-completion patched: SMTP 421 once, then delivered',
    'completed',
  ],
  [
    'process-upload-closed-by-completion',
    'closed-by-completion patched: a failed webhook attempt, then success',
    'completed',
  ],
] as const;

const ENCRYPTED = [
  ['send-email-encrypted', 'payloads encrypted: SMTP 421 once, then delivered', 'completed'],
  ['send-email-encrypted-dead-lettered', 'payloads encrypted: SMTP 550, dead letter', 'failed'],
] as const;

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const EventType = temporal.api.enums.v1.EventType;

function markers(events: HistoryEvent[]): string[] {
  return events.flatMap((event) => {
    const payload = event.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0];
    return payload ? [(defaultPayloadConverter.fromPayload(payload) as { id: string }).id] : [];
  });
}

/** The events of the commands the last workflow task sent. */
function lastTaskCommands(events: HistoryEvent[]): string[] {
  const completions = events.flatMap((event, index) =>
    event.workflowTaskCompletedEventAttributes ? [index] : [],
  );
  const lastCompleted = completions.at(-1) ?? -1;
  return events
    .slice(lastCompleted + 1)
    .map((event) => (EventType[event.eventType ?? 0] ?? '').replace(/^EVENT_TYPE_/, ''));
}

function closingOutcome(name: string): string {
  const history = loadHistory(name);
  expect(history.events.length).toBeGreaterThan(10);
  const last = history.events.at(-1);
  if (last?.workflowExecutionCanceledEventAttributes) return 'cancelled';
  return last?.workflowExecutionCompletedEventAttributes ? 'completed' : 'failed';
}

describe('recorded histories replay against the current workflow code', () => {
  it.each(RECORDED)('%s (%s)', async (name, _story, outcome) => {
    expect(closingOutcome(name)).toBe(outcome);
    await expect(
      Worker.runReplayHistory(
        { workflowBundle: await bundleWorkflows(WORKFLOWS_PATH) },
        loadHistory(name),
        name,
      ),
    ).resolves.toBeUndefined();
  });

  it.each(ENCRYPTED)('%s (%s), with the key it was recorded with', async (name, _story, outcome) => {
    expect(closingOutcome(name)).toBe(outcome);
    const options = {
      workflowBundle: await bundleWorkflows(WORKFLOWS_PATH, true),
      dataConverter: payloadDataConverter(REPLAY_ENCRYPTION_KEYS),
    };
    await expect(Worker.runReplayHistory(options, loadHistory(name), name)).resolves.toBeUndefined();
  });

  it('cannot replay an encrypted history without its key', async () => {
    const options = { workflowBundle: await bundleWorkflows(WORKFLOWS_PATH, true) };
    await expect(
      Worker.runReplayHistory(options, loadHistory('send-email-encrypted'), 'send-email-encrypted'),
    ).rejects.toThrow(/Replay failed/);
  });

  it.each([
    ['process-upload', ['openStoredFile', 'analyseFile', 'notifyWebhook']],
    ['process-upload-without-open-step', ['analyseFile', 'notifyWebhook']],
    ['send-email', ['renderEmail', 'deliverEmail']],
    ['send-email-render-in-delivery', ['deliverEmail']],
    ['send-email-closed-by-completion', ['deliverEmail']],
    ['process-upload-closed-by-completion', ['analyseFile', 'notifyWebhook']],
    ['process-upload-worker-shutdown', ['analyseFile', 'analyseFile', 'notifyWebhook']],
    // Compensation, and no recordDeadLetter: a cancelled job is not a dead letter.
    ['process-upload-cancelled', ['analyseFile', 'notifyWebhook', 'markUploadIncomplete']],
  ])('%s schedules the steps of its version of the workflow', (name, steps) => {
    const scheduled = loadHistory(name).events.flatMap(
      (event) => event.activityTaskScheduledEventAttributes?.activityType?.name ?? [],
    );
    expect(scheduled).toEqual(steps);
  });

  it.each([
    ['send-email-closed-by-completion', 'send-email-render-in-delivery'],
    ['process-upload-closed-by-completion', 'process-upload-without-open-step'],
  ])('%s records one marker and no bookkeeping after its last step (%s: two more)', (name, before) => {
    const after = loadHistory(name).events;
    const earlier = loadHistory(before).events;
    expect(markers(after)).toEqual([CLOSED_BY_COMPLETION_PATCH]);
    expect(lastTaskCommands(after)).toEqual(['WORKFLOW_EXECUTION_COMPLETED']);
    expect(lastTaskCommands(earlier)).toEqual([
      'WORKFLOW_PROPERTIES_MODIFIED',
      'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES',
      'WORKFLOW_EXECUTION_COMPLETED',
    ]);
  });
});
