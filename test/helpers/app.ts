import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app';
import type { Config } from '../../src/config';
import { silentLogger } from '../../src/logger';
import { openServices, type ServiceOptions, type Services } from '../../src/services';
import { testConfig } from './config';

export interface TestApp {
  app: FastifyInstance;
  config: Config;
  services: Services;
  close(): Promise<void>;
}

/** The real API over a fresh data folder and database, driven with `app.inject()`. */
export async function createTestApp(
  temporal: Client,
  overrides: Partial<Config> = {},
  serviceOptions: ServiceOptions = {},
): Promise<TestApp> {
  const config = testConfig(overrides);
  const services = await openServices(config, serviceOptions);
  const app = buildApp({ config, logger: silentLogger, temporal, services });
  return {
    app,
    config,
    services,
    close: async () => {
      await app.close();
      await services.close();
    },
  };
}
