// The Temporal Web UI, checked in a real browser (a headless Chromium driven by playwright-core):
// a finished upload job is listed and shown as completed, a running one shows its analysis
// heartbeat, and the JobState search attribute finds the dead-lettered job. Screenshots go to
// test-artifacts/ (git-ignored) for a person to look at.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { findChromium } from '../helpers/chromium';
import { HeldAnalysis } from '../helpers/held-analysis';
import { closedPort } from '../helpers/ports';
import { JobsHarness } from '../helpers/jobs-harness';
import { createLocalEnv } from '../helpers/temporal-env';
import { WebhookReceiver } from '../helpers/webhook-receiver';

const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts');
const UI_TIMEOUT_MS = 60_000;

jest.setTimeout(240_000);

/** What the page functions read (the project's TypeScript has no DOM library). */
interface BrowserGlobals {
  document: { body: { innerText: string } };
}

describe('Temporal Web UI in a real browser', () => {
  const held = new HeldAnalysis();
  const HELD_HEARTBEAT = held.heartbeat;
  let harness: JobsHarness;
  let receiver: WebhookReceiver;
  let browser: BrowserContext;
  let page: Page;
  let ui: string;
  let userDataDir: string;
  const jobs: { completed?: string; deadLettered?: string; running?: string } = {};

  beforeAll(async () => {
    const uiPort = await closedPort();
    ui = `http://127.0.0.1:${uiPort}`;
    receiver = await new WebhookReceiver().start();
    harness = await JobsHarness.start({
      createEnv: () => createLocalEnv({ uiPort }),
      wrapActivities: held.wrap,
      config: { webhookAllowedHosts: [receiver.allowedHost] },
    });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-chromium-'));
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: (await findChromium()).path,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1400, height: 1000 },
    });
    page = await browser.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);

    const { fileId } = await harness.uploadFile('seen in the web ui\n', 'text/plain');
    jobs.completed = await harness.startProcessing({ fileId });
    receiver.answer([], 410);
    const { fileId: rejected } = await harness.uploadFile('webhook will refuse this', 'text/plain');
    jobs.deadLettered = await harness.startProcessing({ fileId: rejected, notifyUrl: receiver.url });
    const { fileId: heldFile } = await harness.uploadFile('analysis held open', 'text/plain');
    held.fileId = heldFile;
    jobs.running = await harness.startProcessing({ fileId: heldFile });
    await harness.waitForJob(jobs.completed);
    await harness.waitForJob(jobs.deadLettered);
  });

  afterAll(async () => {
    held.release();
    await browser?.close();
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
    await receiver?.stop();
    await harness?.stop();
  });

  const screenshot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true });
  const workflowLink = (jobId: string) => page.getByRole('link', { name: jobId, exact: true });

  it('lists the finished job and shows it as completed, with its result', async () => {
    expect((await harness.status(jobs.completed!)).state).toBe('completed');
    // The UI is a single-page app: its first load can take a while on a small machine.
    await page.goto(`${ui}/namespaces/default/workflows`, { timeout: UI_TIMEOUT_MS });
    await workflowLink(jobs.completed!).waitFor();
    const row = page.getByRole('row').filter({ has: workflowLink(jobs.completed!) });
    await expect(row.getByText('Completed', { exact: false }).count()).resolves.toBeGreaterThan(0);
    await screenshot('web-ui-01-workflow-list.png');

    await workflowLink(jobs.completed!).click();
    await page.waitForURL(new RegExp(`/workflows/${jobs.completed}/`));
    await page.getByRole('heading', { name: new RegExp(jobs.completed!.slice(0, 20)) }).waitFor();
    await page
      .getByText(/^completed$/i)
      .first()
      .waitFor();
    const { result } = await harness.status(jobs.completed!);
    await page
      .getByText((result as { sha256: string }).sha256.slice(0, 40))
      .first()
      .waitFor();
    await screenshot('web-ui-02-completed-workflow.png');
  });

  it("shows the running job's analysis heartbeat as a pending activity", async () => {
    const status = await harness.status(jobs.running!);
    expect(status).toMatchObject({ state: 'running', stage: 'analysing', progress: 70 });
    await page.goto(`${ui}/namespaces/default/workflows/${jobs.running}/${status.runId}/pending-activities`);
    await page.getByText('analyseFile').first().waitFor();
    await page.getByText('Heartbeat Details', { exact: true }).waitFor();
    // The details are highlighted JSON, split over many elements: read the rendered text.
    await page.waitForFunction(
      ([done, total]) =>
        new RegExp(`"done":\\s*${done},?\\s*"total":\\s*${total}`).test(
          (globalThis as unknown as BrowserGlobals).document.body.innerText,
        ),
      [HELD_HEARTBEAT.done, HELD_HEARTBEAT.total],
    );
    await screenshot('web-ui-03-pending-activity-heartbeat.png');

    held.release();
    await harness.waitForJob(jobs.running!);
    expect((await harness.status(jobs.running!)).state).toBe('completed');
  });

  it('finds the dead-lettered job with the JobState search attribute', async () => {
    expect((await harness.status(jobs.deadLettered!)).state).toBe('dead_lettered');
    const query = encodeURIComponent('JobState = "dead_lettered"');
    await page.goto(`${ui}/namespaces/default/workflows?query=${query}`);
    await workflowLink(jobs.deadLettered!).waitFor();
    const row = page.getByRole('row').filter({ has: workflowLink(jobs.deadLettered!) });
    await expect(row.getByText('Failed', { exact: false }).count()).resolves.toBeGreaterThan(0);
    // Only the dead-lettered job matches; the completed and the formerly held ones do not.
    expect(await workflowLink(jobs.completed!).count()).toBe(0);
    expect(await workflowLink(jobs.running!).count()).toBe(0);
    await screenshot('web-ui-04-dead-lettered-search.png');
  });
});
