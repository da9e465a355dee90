import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config';
import { openDatabase, type Database } from '../db/database';
import type { CapturedMailbox } from '../email/mailbox';
import type { Logger } from '../logger';
import { SqliteOutboxRepository } from '../outbox/sqlite-outbox-repository';
import { SignupService } from '../users/signup';
import { SqliteUserRepository } from '../users/sqlite-user-repository';
import { createFastifyApp } from './fastify-adapter';
import type { RouteDefinition } from './route';
import { devMailRoutes } from './routes/dev-mail';
import { emailRoutes } from './routes/emails';
import { healthRoutes } from './routes/health';
import { jobRoutes } from './routes/jobs';
import { signupRoutes } from './routes/signup';

export interface ApiDependencies {
  config: Config;
  logger: Logger;
  temporal: Client;
  /** The service database; when omitted, `config.databasePath` is opened and closed with the app. */
  db?: Database;
  /** Given only while the capturing SMTP server is in use: mounts `GET /dev/mail`. */
  devMailbox?: CapturedMailbox;
}

export function apiRoutes(dependencies: ApiDependencies & { db: Database }): RouteDefinition[] {
  const { config, temporal, logger, db, devMailbox } = dependencies;
  const signups = new SignupService({
    users: new SqliteUserRepository(db),
    outbox: new SqliteOutboxRepository(db),
    temporal,
    logger,
  });
  return [
    ...healthRoutes(temporal, config.temporalAddress),
    ...jobRoutes(temporal, config.temporalUiUrl),
    ...signupRoutes(signups),
    ...emailRoutes(temporal),
    ...(devMailbox ? devMailRoutes(devMailbox) : []),
  ];
}

export function buildApp(dependencies: ApiDependencies): FastifyInstance {
  const db = dependencies.db ?? openDatabase(dependencies.config.databasePath);
  const app = createFastifyApp(apiRoutes({ ...dependencies, db }), { logger: dependencies.logger });
  if (!dependencies.db) app.addHook('onClose', async () => db.close());
  return app;
}
