// Jobs are started by workflow function: tsc checks the input against what the workflow takes.
import type { Client } from '@temporalio/client';
import { jobTypeOf } from '../../src/jobs/job-workflows';
import { startJob } from '../../src/jobs/start-job';
import { processUpload, sendEmail } from '../../src/workflows';
import { PROJECT_ROOT, useTypeChecker } from '../helpers/type-check';

// Never called: `npm run typecheck` fails if an expected error disappears.
export function wrongStarts(client: Client) {
  // @ts-expect-error: processUpload takes a ProcessUploadInput, not a send request
  void startJob(client, processUpload, { to: 'ann@example.com', template: 'welcome', params: {} });
  // @ts-expect-error: an input without the checksum intake gives it
  void startJob(client, processUpload, { fileId: 'f', size: 1, contentType: 'text/plain' });
  // @ts-expect-error: a workflow name is not a workflow
  void startJob(client, 'sendEmail', { to: 'ann@example.com', template: 'welcome', params: {} });
}

describe('typed job starts', () => {
  jest.setTimeout(120_000);
  const diagnosticsOf = useTypeChecker('typed-start');

  const program = (input: string) => `
import { startJob } from '${PROJECT_ROOT}/src/jobs/start-job';
import { sendEmail } from '${PROJECT_ROOT}/src/workflows';
export const start = (client: Parameters<typeof startJob>[0]) => startJob(client, sendEmail, ${input});
`;

  it('tsc accepts the input the workflow takes and rejects another', () => {
    expect(diagnosticsOf(program("{ to: 'ann@example.com', template: 'welcome', params: {} }"))).toEqual([]);
    const rejected = diagnosticsOf(
      program("{ fileId: 'f', sha256: 'x', size: 1, contentType: 'text/plain' }"),
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
