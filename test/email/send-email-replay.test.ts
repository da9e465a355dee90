import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../src/worker';
import { bundleWorkflows } from '../helpers/temporal-env';

// Recorded by scripts/record-send-email-history.ts from a real run: one 421, then delivered.
const FIXTURE = path.join(__dirname, '..', 'fixtures', 'histories', 'send-email.json');

describe('sendEmail replay', () => {
  it('replays the recorded history deterministically with the current workflow code', async () => {
    // The fixture is protobufjs's JSON form of the History message (what JSON.stringify writes).
    const history = temporal.api.history.v1.History.fromObject(JSON.parse(fs.readFileSync(FIXTURE, 'utf8')));
    const eventTypes = (history.events ?? []).map((event) => event.eventType);
    expect(eventTypes.length).toBeGreaterThan(10);

    await expect(
      Worker.runReplayHistory(
        { workflowBundle: await bundleWorkflows(WORKFLOWS_PATH) },
        history,
        'send-email',
      ),
    ).resolves.toBeUndefined();
  });
});
