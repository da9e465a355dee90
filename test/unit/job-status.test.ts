import { defaultPayloadConverter } from '@temporalio/common';
import { describeFailure, refineProgress } from '../../src/jobs/job-status';

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

describe('describeFailure', () => {
  it('adds the innermost cause to a generic outer message', () => {
    expect(describeFailure({ message: 'Activity task failed', cause: { message: '550 no mailbox' } })).toBe(
      'Activity task failed: 550 no mailbox',
    );
  });

  it('does not repeat a cause the outer message already says', () => {
    expect(describeFailure({ message: 'SMTP failed: 421 busy', cause: { message: '421 busy' } })).toBe(
      'SMTP failed: 421 busy',
    );
  });
});
