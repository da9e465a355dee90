import { Worker } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../src/worker';
import { loadHistory } from '../helpers/histories';
import { bundleWorkflows } from '../helpers/temporal-env';

describe('processUpload replays its recorded history', () => {
  it('is deterministic against the recorded run (a failed webhook attempt, then success)', async () => {
    const history = loadHistory('process-upload');
    const eventTypes = history.events.map((event) => event.eventType);
    expect(eventTypes.length).toBeGreaterThan(10);

    await expect(
      Worker.runReplayHistory({ workflowBundle: await bundleWorkflows(WORKFLOWS_PATH) }, history),
    ).resolves.toBeUndefined();
  });
});
