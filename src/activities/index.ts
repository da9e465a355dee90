import type { Config } from '../config';
import type { Logger } from '../logger';
import { createUploadActivities, type UploadActivityDependencies } from './upload';

export interface ActivityDependencies extends UploadActivityDependencies {
  config: Config;
  logger: Logger;
}

/** Every activity the worker registers, built from the side-effecting services they need. */
export function createActivities(dependencies: ActivityDependencies) {
  return {
    ...createUploadActivities(dependencies),
  };
}

export type JobActivities = ReturnType<typeof createActivities>;
