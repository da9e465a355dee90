import { Worker } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../src/worker';
import { loadHistory } from '../helpers/histories';
import { bundleWorkflows } from '../helpers/temporal-env';

// Recorded from real runs by `npm run record-histories`.
const RECORDED = [
  ['process-upload', 'a failed webhook attempt, then success', 'completed'],
  ['process-upload-dead-lettered', 'webhook rejected, compensation, dead letter', 'failed'],
  [
    'process-upload-without-open-step',
    'no open step (patched), a failed webhook attempt, then success',
    'completed',
  ],
  ['send-email', 'SMTP 421 once, then delivered', 'completed'],
  ['send-email-dead-lettered', 'SMTP 550, dead letter', 'failed'],
] as const;

describe('recorded histories replay against the current workflow code', () => {
  it.each(RECORDED)('%s (%s)', async (name, _story, outcome) => {
    const history = loadHistory(name);
    const closing = history.events.at(-1);
    expect(closing?.workflowExecutionCompletedEventAttributes ? 'completed' : 'failed').toBe(outcome);
    expect(history.events.length).toBeGreaterThan(10);

    await expect(
      Worker.runReplayHistory({ workflowBundle: await bundleWorkflows(WORKFLOWS_PATH) }, history, name),
    ).resolves.toBeUndefined();
  });

  it.each([
    ['process-upload', ['openStoredFile', 'analyseFile', 'notifyWebhook']],
    ['process-upload-without-open-step', ['analyseFile', 'notifyWebhook']],
  ])('%s schedules the steps of its version of the workflow', (name, steps) => {
    const scheduled = loadHistory(name).events.flatMap(
      (event) => event.activityTaskScheduledEventAttributes?.activityType?.name ?? [],
    );
    expect(scheduled).toEqual(steps);
  });
});
