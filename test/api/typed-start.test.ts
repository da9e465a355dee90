// Jobs are started by workflow function: tsc checks the input against what the workflow takes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import ts from 'typescript';
import { jobTypeOf } from '../../src/jobs/job-workflows';
import { startJob } from '../../src/jobs/start-job';
import { processUpload, sendEmail } from '../../src/workflows';

const ROOT = path.join(__dirname, '..', '..');

// Never called: `npm run typecheck` fails if an expected error disappears.
export function wrongStarts(client: Client) {
  // @ts-expect-error: processUpload takes a ProcessUploadInput, not a send request
  void startJob(client, processUpload, { to: 'ann@example.com', template: 'welcome', params: {} });
  // @ts-expect-error: an input without the checksum intake gives it
  void startJob(client, processUpload, { fileId: 'f', size: 1, contentType: 'text/plain' });
  // @ts-expect-error: a workflow name is not a workflow
  void startJob(client, 'sendEmail', { to: 'ann@example.com', template: 'welcome', params: {} });
}

/** Diagnostics of `source`, compiled with the project's options beside the real sources. */
function diagnosticsOf(source: string, folder: string): string[] {
  const file = path.join(folder, 'start.ts');
  fs.writeFileSync(file, source);
  const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const program = ts.createProgram([file], { ...options, noEmit: true });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file?.fileName === file)
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

describe('typed job starts', () => {
  jest.setTimeout(120_000);
  let folder: string;
  beforeAll(() => (folder = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-typed-start-'))));
  afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

  const program = (input: string) => `
import { startJob } from '${ROOT}/src/jobs/start-job';
import { sendEmail } from '${ROOT}/src/workflows';
export const start = (client: Parameters<typeof startJob>[0]) => startJob(client, sendEmail, ${input});
`;

  it('tsc accepts the input the workflow takes and rejects another', () => {
    expect(
      diagnosticsOf(program("{ to: 'ann@example.com', template: 'welcome', params: {} }"), folder),
    ).toEqual([]);
    const rejected = diagnosticsOf(
      program("{ fileId: 'f', sha256: 'x', size: 1, contentType: 'text/plain' }"),
      folder,
    );
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatch(/'SendEmailInput'/);
  });

  it('knows the job type of each workflow, and refuses a function that is not one', () => {
    expect(jobTypeOf(processUpload)).toBe('processUpload');
    expect(jobTypeOf(sendEmail)).toBe('sendEmail');
    const impostor = Object.defineProperty(async () => undefined, 'name', { value: 'sendEmail' });
    expect(() => jobTypeOf(impostor as unknown as typeof sendEmail)).toThrow(
      /not the workflow of a job type/,
    );
  });
});
