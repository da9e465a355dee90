import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { createFastifyApp } from './fastify-adapter';
import type { RouteDefinition } from './route';
import { healthRoutes } from './routes/health';
import { jobRoutes } from './routes/jobs';

export interface ApiDependencies {
  config: Config;
  logger: Logger;
  temporal: Client;
}

export function apiRoutes(dependencies: ApiDependencies): RouteDefinition[] {
  const { config, temporal } = dependencies;
  return [...healthRoutes(temporal, config.temporalAddress), ...jobRoutes(temporal, config.temporalUiUrl)];
}

export function buildApp(dependencies: ApiDependencies): FastifyInstance {
  return createFastifyApp(apiRoutes(dependencies), { logger: dependencies.logger });
}
