import { defaultPayloadConverter } from '@temporalio/common';
import { refineProgress } from '../../src/jobs/job-status';

const heartbeat = (done: number, total: number) => ({
  heartbeatDetails: { payloads: [defaultPayloadConverter.toPayload({ done, total })] },
});

describe('refineProgress', () => {
  it('moves between the stage figure and the step end as the heartbeating step advances', () => {
    const analysing = { stage: 'analysing', percent: 50, stepEndsAt: 90 };
    expect(refineProgress(analysing, [heartbeat(0, 100)])).toBe(50);
    expect(refineProgress(analysing, [heartbeat(50, 100)])).toBe(70);
    expect(refineProgress(analysing, [heartbeat(100, 100)])).toBe(90);
  });

  it('keeps the stage figure when the step has not heartbeated or has no step end', () => {
    expect(refineProgress({ stage: 'analysing', percent: 50, stepEndsAt: 90 }, [{}])).toBe(50);
    expect(refineProgress({ stage: 'fetched', percent: 10 }, [heartbeat(5, 10)])).toBe(10);
  });
});
