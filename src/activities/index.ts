import type { Config } from '../config';
import type { Logger } from '../logger';
import { createDeadLetterActivities, type DeadLetterActivityDependencies } from './dead-letter';
import { createUploadActivities, type UploadActivityDependencies } from './upload';

export interface ActivityDependencies extends UploadActivityDependencies, DeadLetterActivityDependencies {
  config: Config;
  logger: Logger;
}

/** Every activity the worker registers, built from the side-effecting services they need. */
export function createActivities(dependencies: ActivityDependencies) {
  return {
    ...createUploadActivities(dependencies),
    ...createDeadLetterActivities(dependencies),
  };
}

export type JobActivities = ReturnType<typeof createActivities>;
