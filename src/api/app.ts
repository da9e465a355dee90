import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { requireApiAuth, type Config } from '../config';
import { Redriver } from '../dead-letters/redrive';
import type { CapturedMailbox } from '../email/mailbox';
import { jobInputPreparers } from '../jobs/job-inputs';
import { startJobOfType } from '../jobs/start-job';
import type { Logger } from '../logger';
import type { Services } from '../services';
import { SignupService } from '../users/signup';
import { createAuthenticator, type Authenticator } from './auth';
import { createFastifyApp } from './fastify-adapter';
import type { RouteDefinition } from './route';
import { createSpikardApp } from './spikard-adapter';
import { AesGcmPayloadCodec } from '../temporal/payload-codec';
import { codecRoutes } from './routes/codec';
import { deadLetterRoutes } from './routes/dead-letters';
import { devMailRoutes } from './routes/dev-mail';
import { emailRoutes } from './routes/emails';
import { fileRoutes } from './routes/files';
import { healthRoutes } from './routes/health';
import { jobRoutes } from './routes/jobs';
import { signupRoutes } from './routes/signup';
import { uploadRoutes } from './routes/upload';
import { scheduleRoutes } from './routes/schedules';
import { jobTypeRoutes } from './routes/job-types';
import { createJobTypeControl } from '../jobs/job-type-control';
import { createJobSchedules } from '../schedules/job-schedules';
import { observeRequest } from '../monitoring/metrics';
import { docsRoutes } from './routes/docs';
import { createMonitoring } from './routes/monitoring';

const API_INFO = {
  title: 'durable-jobs',
  version: '0.1.0',
  description: 'Slow, failure-prone work run durably on Temporal: uploads, e-mail, dead letters.',
};

/** A server mounting the route table: Fastify or Spikard (HTTP_SERVER). */
export interface HttpServer {
  listen(address: { host: string; port: number }): Promise<void>;
  close(): Promise<void>;
}

export interface ApiDependencies {
  config: Config;
  logger: Logger;
  temporal: Client;
  services: Services;
  /** Given only while the capturing SMTP server is in use: mounts `GET /dev/mail`. */
  devMailbox?: CapturedMailbox;
}

export function apiRoutes({
  config,
  logger,
  temporal,
  services,
  devMailbox,
}: ApiDependencies): RouteDefinition[] {
  const signups = new SignupService({
    users: services.users,
    outbox: services.outbox,
    temporal,
    logger,
  });
  const appOrigin = config.appUrl;
  const preparers = jobInputPreparers(services);
  const redriver = new Redriver(
    services.deadLetters,
    (jobType, input, idempotencyKey) => startJobOfType(temporal, jobType, input, { idempotencyKey }),
    preparers,
    { appOrigin },
  );
  return [
    ...healthRoutes(temporal, config.temporalAddress),
    ...jobRoutes(temporal, config.temporalUiUrl),
    ...fileRoutes(services.files, config.maxUploadBytes),
    ...uploadRoutes(temporal, services, services.idempotencyKeys),
    ...signupRoutes(signups, services.idempotencyKeys),
    ...emailRoutes(temporal, { idempotencyKeys: services.idempotencyKeys, appOrigin }),
    ...deadLetterRoutes(services.deadLetters, redriver),
    ...scheduleRoutes(createJobSchedules(temporal, preparers), appOrigin),
    ...jobTypeRoutes(createJobTypeControl(temporal, services.jobTypePauses)),
    ...(devMailbox ? devMailRoutes(devMailbox) : []),
    ...codecRoutes(payloadCodecOf(config), config.temporalUiUrl),
  ];
}

function payloadCodecOf(config: Config): AesGcmPayloadCodec | undefined {
  const keys = config.payloadEncryptionKeys;
  return keys.length > 0 ? new AesGcmPayloadCodec(keys) : undefined;
}

export interface ApiRouteTable {
  routes: RouteDefinition[];
  authenticate: Authenticator;
  /** Ends open event streams, so that the server can close. */
  close(): void;
}

/** Every route the API serves, whichever server mounts them, and who may call them. */
export function buildRouteTable(dependencies: ApiDependencies): ApiRouteTable {
  const { config, temporal } = dependencies;
  const authenticate = createAuthenticator(requireApiAuth(config));
  // Monitoring (/health/jobs, /metrics, /jobs/:jobId/events) owns event streams that must end
  // before the server can close.
  const monitoring = createMonitoring({
    temporal,
    temporalAddress: config.temporalAddress,
    webUiBaseUrl: config.temporalUiUrl,
    workerMetricsAddress: config.workerMetricsAddress,
    jobTypePauses: dependencies.services.jobTypePauses,
    deadLetters: dependencies.services.deadLetters,
  });
  const routes = [...apiRoutes(dependencies), ...monitoring.routes];
  return {
    routes: [...routes, ...docsRoutes(routes, API_INFO)],
    authenticate,
    close: () => monitoring.close(),
  };
}

export function buildApp(dependencies: ApiDependencies): FastifyInstance {
  const table = buildRouteTable(dependencies);
  const app = createFastifyApp(table.routes, {
    logger: dependencies.logger,
    authenticate: table.authenticate,
    onRequestAnswered: observeRequest,
  });
  app.addHook('preClose', async () => table.close());
  return app;
}

/** The server HTTP_SERVER names, over the same route table. */
export function buildServer(dependencies: ApiDependencies): HttpServer {
  if (dependencies.config.httpServer === 'fastify') {
    const app = buildApp(dependencies);
    return { listen: async (address) => void (await app.listen(address)), close: () => app.close() };
  }
  const table = buildRouteTable(dependencies);
  const server = createSpikardApp(table.routes, {
    logger: dependencies.logger,
    authenticate: table.authenticate,
    onRequestAnswered: observeRequest,
    streamBodyLimitBytes: dependencies.config.maxUploadBytes,
  });
  return {
    listen: (address) => server.listen(address),
    close: async () => {
      table.close();
      await server.close();
    },
  };
}
