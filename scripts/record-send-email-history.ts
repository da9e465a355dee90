// Records the history of one real sendEmail run (time-skipping Temporal, real worker, a local SMTP
// server that refuses once with 421) into test/fixtures/histories/send-email.json, for the replay
// test. Re-run after a deliberate, versioned change to the workflow: `npx tsx scripts/record-send-email-history.ts`.
import fs from 'node:fs';
import path from 'node:path';
import { startEmailHarness } from '../test/helpers/email-harness';

const FIXTURE = path.join(__dirname, '..', 'test', 'fixtures', 'histories', 'send-email.json');

async function main(): Promise<void> {
  const harness = await startEmailHarness({
    replyToData: (attempt) => (attempt === 1 ? { code: 421, message: '4.3.2 Try again later' } : undefined),
  });
  try {
    const response = await harness.app.inject({
      method: 'POST',
      url: '/emails',
      payload: { to: 'replay@example.com', template: 'welcome', params: { name: 'Replay <Test>' } },
    });
    const { jobId } = response.json() as { jobId: string };
    const handle = harness.env.client.workflow.getHandle(jobId);
    await handle.result();
    const history = await handle.fetchHistory();
    fs.mkdirSync(path.dirname(FIXTURE), { recursive: true });
    fs.writeFileSync(FIXTURE, JSON.stringify(history, null, 2) + '\n');
    console.log(`recorded ${history.events?.length ?? 0} events of ${jobId} to ${FIXTURE}`);
  } finally {
    await harness.teardown();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
