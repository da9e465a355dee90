// The pure parts of listing and describing jobs: the visibility query a filter makes (and that no
// value can break out of its quotes), the state read from a listed execution, and the Web UI text.
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { listedState, quoted, visibilityQuery } from '../../src/jobs/job-list';
import { jobMetadata } from '../../src/jobs/start-job';
import { humanSize, maskEmail } from '../../src/workflows/job-summary';

const Status = temporal.api.enums.v1.WorkflowExecutionStatus;

describe('the visibility query of a job list', () => {
  it('lists every job type when no filter is given', () => {
    expect(visibilityQuery({})).toBe('(WorkflowType = "processUpload" OR WorkflowType = "sendEmail")');
  });

  it('adds the state, type and creation time, from the next millisecond on', () => {
    expect(
      visibilityQuery({
        type: 'sendEmail',
        state: 'dead_lettered',
        createdAfter: new Date('2026-11-30T08:00:00.123Z'),
      }),
    ).toBe(
      '(WorkflowType = "sendEmail") AND ExecutionStatus = "Failed" AND JobState = "dead_lettered" AND ' +
        'StartTime >= "2026-11-30T08:00:00.124Z"',
    );
  });

  it.each(['a" OR WorkflowType != "b', "a' OR 1=1", 'a b', '', 'x\\"'])('refuses to quote %j', (value) => {
    expect(() => quoted(value)).toThrow(/not a safe visibility value/);
  });
});

describe('the state of a listed job', () => {
  const marked = (state: string) => ({
    indexedFields: { JobState: defaultPayloadConverter.toPayload(state) },
  });

  it.each([
    [Status.WORKFLOW_EXECUTION_STATUS_RUNNING, 'queued', 'queued'],
    [Status.WORKFLOW_EXECUTION_STATUS_RUNNING, 'scheduled', 'scheduled'],
    [Status.WORKFLOW_EXECUTION_STATUS_RUNNING, 'running', 'running'],
    [Status.WORKFLOW_EXECUTION_STATUS_COMPLETED, 'completed', 'completed'],
    [Status.WORKFLOW_EXECUTION_STATUS_FAILED, 'dead_lettered', 'dead_lettered'],
    [Status.WORKFLOW_EXECUTION_STATUS_FAILED, 'running', 'failed'],
    [Status.WORKFLOW_EXECUTION_STATUS_TIMED_OUT, 'running', 'failed'],
    [Status.WORKFLOW_EXECUTION_STATUS_CANCELED, 'cancelled', 'cancelled'],
    [Status.WORKFLOW_EXECUTION_STATUS_TERMINATED, 'running', 'cancelled'],
  ])('status %i marked %s reads %s', (status, mark, expected) => {
    expect(listedState({ status, searchAttributes: marked(mark) })).toBe(expected);
  });
});

describe('what the Web UI shows of a job', () => {
  it('sizes in decimal units', () => {
    expect([0, 999, 1000, 3_200_000, 3_000_000_000].map(humanSize)).toEqual([
      '0 B',
      '999 B',
      '1.0 kB',
      '3.2 MB',
      '3.0 GB',
    ]);
  });

  it('masks an address down to its first letter and domain', () => {
    expect(maskEmail('jane.doe@example.com')).toBe('j•••@example.com');
    expect(maskEmail('not-an-address')).toBe('•••');
  });

  it('describes an upload by type and size, its webhook by host and its e-mail masked', () => {
    const metadata = jobMetadata('processUpload', {
      fileId: 'file-1',
      sha256: 'ab'.repeat(32),
      size: 3_200_000,
      contentType: 'application/pdf',
      notifyUrl: 'https://user:secret@hooks.example.com/path?token=t0ken',
      notifyEmail: 'jane.doe@example.com',
    });
    expect(metadata.summary).toBe('Upload application/pdf, 3.2 MB');
    expect(metadata.details).toContain('**Webhook** to hooks.example.com');
    expect(metadata.details).toContain('**E-mail** to j•••@example.com');
    for (const secret of ['secret', 't0ken', '/path', 'jane.doe'])
      expect(metadata.details).not.toContain(secret);
  });

  it('describes an e-mail by template and masked address, without its parameters', () => {
    const metadata = jobMetadata('sendEmail', {
      to: 'jane.doe@example.com',
      template: 'welcome',
      params: { name: 'Jane Doe' },
    });
    expect(metadata.summary).toBe('E-mail welcome to j•••@example.com');
    expect(JSON.stringify(metadata)).not.toMatch(/jane\.doe|Jane Doe/);
  });
});
