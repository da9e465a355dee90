// The bench's jobs: tiny welcome e-mails and tiny stored uploads, started the project's own way.
import { Readable } from 'node:stream';
import type { Client } from '@temporalio/client';
import type { Config } from '../../src/config';
import type { ProcessUploadInput } from '../../src/contracts';
import type { SendEmailInput } from '../../src/email/contracts';
import { startJob } from '../../src/jobs/start-job';
import { openServices } from '../../src/services';
import { processUpload, sendEmail } from '../../src/workflows';

export function welcomeEmail(index: number): SendEmailInput {
  return { to: `user-${index}@example.com`, template: 'welcome', params: { name: `User ${index}` } };
}

/**
 * Its job id. `taskQueue`: the project's own unless given (a queue that no worker polls measures
 * starts alone).
 */
export async function startWelcomeEmail(client: Client, index: number, taskQueue?: string): Promise<string> {
  return (await startJob(client, sendEmail, welcomeEmail(index), taskQueue ? { taskQueue } : {})).jobId;
}

export async function startUpload(client: Client, input: ProcessUploadInput): Promise<string> {
  return (await startJob(client, processUpload, input)).jobId;
}

/**
 * Stores `count` tiny text files the way POST /files does (the same FileStore, in DATA_DIR), before
 * anything is timed: an upload job's cost is its workflow and steps, not the HTTP intake.
 */
export async function storeTinyFiles(config: Config, count: number): Promise<ProcessUploadInput[]> {
  const services = await openServices(config);
  try {
    const inputs: ProcessUploadInput[] = [];
    for (let index = 0; index < count; index += 1) {
      const body = Readable.from([Buffer.from(`tiny upload number ${index}\n`)]);
      const stored = await services.files.save(body, { contentType: 'text/plain', limitBytes: 1024 });
      inputs.push({
        fileId: stored.fileId,
        sha256: stored.sha256,
        size: stored.size,
        contentType: 'text/plain',
      });
    }
    return inputs;
  } finally {
    await services.close();
  }
}
