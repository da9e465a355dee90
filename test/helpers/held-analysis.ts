import { Context } from '@temporalio/activity';
import type { JobActivities } from '../../src/activities';

/** Holds the analysis of one chosen file, heartbeating, until the test lets it go. */
export class HeldAnalysis {
  fileId?: string;
  readonly heartbeat = { done: 512, total: 1024 };
  private released = false;

  release(): void {
    this.released = true;
  }

  wrap = (activities: JobActivities): JobActivities => ({
    ...activities,
    analyseFile: async (input) => {
      while (input.fileId === this.fileId && !this.released) {
        Context.current().heartbeat(this.heartbeat);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      return activities.analyseFile(input);
    },
  });
}
