import type { Config } from '../config';
import type { Logger } from '../logger';
import { createSmtpTransport } from '../email/transport';
import { createEmailActivities } from './email';

export interface ActivityDependencies {
  config: Config;
  logger: Logger;
}

/** Every activity the worker registers, built from the side-effecting services they need. */
export function createActivities(dependencies: ActivityDependencies) {
  const { config } = dependencies;
  return {
    ...createEmailActivities({
      mailFrom: config.mailFrom,
      createTransport: () => createSmtpTransport(config),
    }),
  };
}

export type JobActivities = ReturnType<typeof createActivities>;
