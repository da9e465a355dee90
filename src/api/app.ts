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

export interface ApiDependencies {
  config: Config;
  logger: Logger;
  temporal: Client;
  services: Services;
}

export function apiRoutes({ config, temporal, services }: ApiDependencies): RouteDefinition[] {
  return [
    ...healthRoutes(temporal, config.temporalAddress),
    ...jobRoutes(temporal, config.temporalUiUrl),
    ...fileRoutes(services.files, config.maxUploadBytes),
    ...uploadRoutes(temporal, services.files),
  ];
}

export function buildApp(dependencies: ApiDependencies): FastifyInstance {
  return createFastifyApp(apiRoutes(dependencies), { logger: dependencies.logger });
}
