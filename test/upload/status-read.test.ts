// A running job's status is read from its description alone (memo, search attributes, pending
// activities): no history, however long it grew, and no query that would wait for a worker.
import { Client, Connection } from '@temporalio/client';
import { optionalTsToDate } from '@temporalio/common/lib/time';
import { getJobStatus } from '../../src/jobs/job-status';
import { GrpcMeter } from '../helpers/grpc-meter';
import { HeldAnalysis } from '../helpers/held-analysis';
import { useUploadSuite } from '../helpers/jobs-harness';
import { createLocalEnv } from '../helpers/temporal-env';

describe('job status reads', () => {
  const held = new HeldAnalysis();
  const suite = useUploadSuite({ createEnv: createLocalEnv, wrapActivities: held.wrap });
  const meter = new GrpcMeter();
  let connection: Connection;
  let client: Client;

  beforeAll(async () => {
    connection = await Connection.connect({
      address: suite.harness.env.address,
      interceptors: [meter.interceptor],
    });
    client = new Client({ connection });
  });
  afterAll(() => connection.close());

  it('reads a running job with one describe call, progress and start included', async () => {
    const { fileId } = await suite.harness.uploadFile('held while its status is read', 'text/plain');
    held.fileId = fileId;
    const jobId = await suite.harness.startProcessing({ fileId });
    const handle = client.workflow.getHandle(jobId);
    for (let poll = 0; poll < 100; poll += 1) {
      const pending = (await handle.describe()).raw.pendingActivities ?? [];
      if (pending.some((activity) => activity.heartbeatDetails)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    let status: Awaited<ReturnType<typeof getJobStatus>>;
    const metered = await meter.measure(async () => {
      status = await getJobStatus(client, jobId, { webUiBaseUrl: 'http://127.0.0.1:8233' });
    });
    expect(metered.calls).toEqual(['DescribeWorkflowExecution']);
    const firstTask = (await suite.harness.history(jobId)).find(
      (event) => event.workflowTaskStartedEventAttributes,
    );
    // The held analysis heartbeats 512 of 1024 bytes: half way from 10 to 90.
    expect(status!).toMatchObject({
      jobId,
      state: 'running',
      stage: 'analysing',
      progress: 50,
      attempts: 1,
      result: null,
      error: null,
      finishedAt: null,
      startedAt: optionalTsToDate(firstTask?.eventTime)!.toISOString(),
    });

    held.release();
    await suite.harness.waitForJob(jobId);
    const closed = await meter.measure(() => getJobStatus(client, jobId, { webUiBaseUrl: '' }));
    expect(closed.calls).toEqual(['DescribeWorkflowExecution', 'GetWorkflowExecutionHistory']);
  });
});
