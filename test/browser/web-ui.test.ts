// The Temporal Web UI, checked in a real browser (a headless Chromium driven by playwright-core):
// a finished upload job is listed and shown as completed, a running one shows its analysis
// heartbeat, and the JobState search attribute finds the dead-lettered job; with payload
// encryption on, a job's input is ciphertext in the UI unless the UI has the API's codec endpoint.
// Screenshots go to test-artifacts/ (git-ignored) for a person to look at.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startJob } from '../../src/jobs/start-job';
import type { EncryptionKey } from '../../src/temporal/payload-codec';
import { sendEmail } from '../../src/workflows';
import { createTestApp, type TestApp } from '../helpers/app';
import { findChromium } from '../helpers/chromium';
import { HeldAnalysis } from '../helpers/held-analysis';
import { closedPort } from '../helpers/ports';
import { clientOptionsFor, JobsHarness } from '../helpers/jobs-harness';
import { createLocalEnv } from '../helpers/temporal-env';
import { WebhookReceiver } from '../helpers/webhook-receiver';

const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts');
const UI_TIMEOUT_MS = 60_000;

jest.setTimeout(240_000);

/** What the page functions read (the project's TypeScript has no DOM library). */
interface BrowserGlobals {
  document: { body: { innerText: string } };
}

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

async function launchBrowser(userDataDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: (await findChromium()).path,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 1000 },
  });
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
    browser = await launchBrowser(userDataDir);
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

  /** The UI renders user metadata (Markdown) in frames of their own: read every frame's text. */
  async function waitForFrameText(pattern: RegExp): Promise<void> {
    const deadline = Date.now() + UI_TIMEOUT_MS;
    for (;;) {
      const texts = await Promise.all(
        page
          .frames()
          .map((frame) =>
            frame
              .evaluate(() => (globalThis as unknown as BrowserGlobals).document.body.innerText)
              .catch(() => ''),
          ),
      );
      if (texts.some((text) => pattern.test(text))) return;
      if (Date.now() > deadline) throw new Error(`no frame shows ${pattern}:\n${texts.join('\n---\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async function openUserMetadata(jobId: string): Promise<void> {
    const { runId } = await harness.status(jobId);
    await page.goto(`${ui}/namespaces/default/workflows/${jobId}/${runId}/history`);
    await page.getByText('User Metadata', { exact: true }).first().click();
    await page.waitForURL(/\/user-metadata$/);
  }

  it("shows each job's summary and details (user metadata)", async () => {
    await openUserMetadata(jobs.completed!);
    // 'seen in the web ui\n' is 19 bytes.
    await waitForFrameText(/Upload text\/plain, 19 B/);
    const { result } = await harness.status(jobs.completed!);
    const sha256 = (result as { sha256: string }).sha256;
    await waitForFrameText(new RegExp(`SHA-256\\s+${sha256.slice(0, 16)}…`));
    await screenshot('web-ui-07-job-summary.png');
  });

  it("shows a running job's stage as its current details", async () => {
    await openUserMetadata(jobs.running!);
    await waitForFrameText(/Upload text\/plain, 18 B/);
    await waitForFrameText(/analysing, 10 %/);
    await screenshot('web-ui-08-current-details.png');
  });

  it("shows the running job's analysis heartbeat as a pending activity", async () => {
    const status = await harness.status(jobs.running!);
    expect(status).toMatchObject({ state: 'running', stage: 'analysing', progress: 50 });
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

  it('keeps the dead-letter search as a saved view', async () => {
    const query = encodeURIComponent('JobState = "dead_lettered"');
    await page.goto(`${ui}/namespaces/default/workflows?query=${query}`);
    await workflowLink(jobs.deadLettered!).waitFor();
    await page.getByRole('button', { name: 'Save as New' }).click();
    await page.getByRole('dialog').getByRole('textbox').first().pressSequentially('Dead letters');
    await screenshot('web-ui-09-save-view.png');
    await page.getByRole('dialog').getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    // A fresh list, then the saved view from the views menu: it brings the query back.
    await page.goto(`${ui}/namespaces/default/workflows`);
    await workflowLink(jobs.completed!).waitFor();
    await page.getByRole('button', { name: /view/i }).first().click();
    await screenshot('web-ui-10-views-menu.png');
    await page.getByText('Dead letters', { exact: true }).first().click();
    await workflowLink(jobs.deadLettered!).waitFor();
    expect(await workflowLink(jobs.completed!).count()).toBe(0);
    await screenshot('web-ui-11-saved-view.png');
  });
});

describe('encrypted payloads in the Temporal Web UI', () => {
  const KEYS: EncryptionKey[] = [{ id: 'ui-test', key: crypto.randomBytes(32) }];
  const INPUT = { to: 'dora.hidden@example.com', template: 'welcome', params: { name: 'Dora Hiddenname' } };
  // Two dev servers, the same Temporal data on neither: one Web UI told of the codec endpoint, one not.
  const servers: { env: TestWorkflowEnvironment; ui: string; jobId: string; runId: string }[] = [];
  let api: TestApp;
  let browser: BrowserContext;
  let page: Page;
  let userDataDir: string;

  async function startServer(uiCodecEndpoint?: string) {
    const uiPort = await closedPort();
    const env = await createLocalEnv({ uiPort, uiCodecEndpoint, client: clientOptionsFor(KEYS) });
    // No worker: the input is in the start event, which is all the UI needs to show it.
    const { jobId } = await startJob(env.client, sendEmail, INPUT);
    const { runId } = await env.client.workflow.getHandle(jobId).describe();
    servers.push({ env, ui: `http://127.0.0.1:${uiPort}`, jobId, runId });
  }

  beforeAll(async () => {
    const apiPort = await closedPort();
    const codecEndpoint = `http://127.0.0.1:${apiPort}/codec`;
    await startServer(codecEndpoint);
    await startServer();
    // The API holds the keys; its codec routes answer the UI's origin only.
    api = await createTestApp(servers[0]!.env.client, {
      payloadEncryptionKeys: KEYS,
      temporalUiUrl: servers[0]!.ui,
    });
    await api.app.listen({ host: '127.0.0.1', port: apiPort });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-chromium-'));
    browser = await launchBrowser(userDataDir);
    page = await browser.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
  });

  afterAll(async () => {
    await browser?.close();
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
    await api?.close();
    for (const { env } of servers) await env.teardown();
  });

  const bodyText = () =>
    page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.body.innerText);

  async function openJob(server: (typeof servers)[number]): Promise<void> {
    await page.goto(`${server.ui}/namespaces/default/workflows/${server.jobId}/${server.runId}/history`, {
      timeout: UI_TIMEOUT_MS,
    });
    await page.getByText('sendEmail').first().waitFor();
  }

  it('shows ciphertext, not the input, without the codec endpoint', async () => {
    await openJob(servers[1]!);
    // The input is shown as what it is there: the ciphertext's base64 (AES-GCM output, no JSON).
    await page.waitForFunction(() =>
      /Input\s*"[A-Za-z0-9+/]{40,}={0,2}"/.test(
        (globalThis as unknown as BrowserGlobals).document.body.innerText,
      ),
    );
    const text = await bodyText();
    // The summary goes through the payload codec too: without it, not even the masked address shows.
    expect(text).not.toContain('E-mail welcome to');
    expect(text).not.toContain(INPUT.to);
    expect(text).not.toContain('Dora Hiddenname');
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-ui-05-encrypted-input.png'), fullPage: true });
  });

  it("shows the input decoded through the API's codec endpoint", async () => {
    await openJob(servers[0]!);
    await page.waitForFunction(
      (address) => (globalThis as unknown as BrowserGlobals).document.body.innerText.includes(address),
      INPUT.to,
    );
    expect(await bodyText()).toContain('Dora Hiddenname');
    await page.getByText('E-mail welcome to d•••@example.com').first().waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-ui-06-decoded-input.png'), fullPage: true });
  });
});
