import type { Config } from '../config';
import type { Logger } from '../logger';

export interface ActivityDependencies {
  config: Config;
  logger: Logger;
}

/** Every activity the worker registers, built from the side-effecting services they need. */
export function createActivities(_dependencies: ActivityDependencies) {
  return {};
}

export type JobActivities = ReturnType<typeof createActivities>;
