import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Services } from '../services';
import { createFastifyApp } from './fastify-adapter';
import type { RouteDefinition } from './route';
import { fileRoutes } from './routes/files';
import { healthRoutes } from './routes/health';
import { jobRoutes } from './routes/jobs';
import { uploadRoutes } from './routes/upload';
import { deadLetterRoutes } from './routes/dead-letters';
import { Redriver } from '../dead-letters/redrive';
import { jobInputPreparers } from '../jobs/job-inputs';
import { startJob } from '../jobs/start-job';

export interface ApiDependencies {
  config: Config;
  logger: Logger;
  temporal: Client;
  services: Services;
}

export function apiRoutes({ config, temporal, services }: ApiDependencies): RouteDefinition[] {
  const redriver = new Redriver(
    services.deadLetters,
    (jobType, input, idempotencyKey) => startJob(temporal, jobType, [input], { idempotencyKey }),
    jobInputPreparers(services),
  );
  return [
    ...healthRoutes(temporal, config.temporalAddress),
    ...jobRoutes(temporal, config.temporalUiUrl),
    ...fileRoutes(services.files, config.maxUploadBytes),
    ...uploadRoutes(temporal, services.files),
    ...deadLetterRoutes(services.deadLetters, redriver),
  ];
}

export function buildApp(dependencies: ApiDependencies): FastifyInstance {
  return createFastifyApp(apiRoutes(dependencies), { logger: dependencies.logger });
}
