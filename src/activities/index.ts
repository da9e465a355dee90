import type { JobTypePauseStore } from '../jobs/job-type-pauses';
import type { Config } from '../config';
import type { IdempotencyKeyStore } from '../jobs/idempotency-keys';
import type { MailTransport } from '../email/transport';
import { createRetentionActivities } from './retention';
import { createDeadLetterActivities, type DeadLetterActivityDependencies } from './dead-letter';
import { createEmailActivities } from './email';
import { createUploadActivities, type UploadActivityDependencies } from './upload';

export interface ActivityDependencies extends UploadActivityDependencies, DeadLetterActivityDependencies {
  config: Config;
  idempotencyKeys: IdempotencyKeyStore;
  mail: MailTransport;
  /** With it, steps of a paused job type pause themselves instead of running. */
  jobTypePauses?: JobTypePauseStore;
}

/** Every activity the worker registers, built from the side-effecting services they need. */
export function createActivities(dependencies: ActivityDependencies) {
  const { config } = dependencies;
  return {
    ...createRetentionActivities({ ...dependencies, storedFiles: dependencies.files.metadata }),
    ...createUploadActivities(dependencies),
    ...createEmailActivities({
      mailFrom: config.mailFrom,
      sideEffects: dependencies.sideEffects,
      mail: dependencies.mail,
    }),
    ...createDeadLetterActivities(dependencies),
  };
}

export type JobActivities = ReturnType<typeof createActivities>;
