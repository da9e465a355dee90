import { loadConfig, requireApiAuth, type Config } from '../config';
import type { CapturedMailbox } from '../email/mailbox';
import { createLogger, type Logger } from '../logger';
import { OutboxRelay } from '../outbox/outbox-relay';
import { createTemporalClient } from '../temporal/client';
import { openServices } from '../services';
import { buildApp } from './app';

export interface RunningApi {
  stop(): Promise<void>;
}

export interface StartApiOptions {
  /** Set while the capturing SMTP server runs, to expose what it received. */
  devMailbox?: CapturedMailbox;
}

export async function startApi(
  config: Config,
  logger: Logger,
  options: StartApiOptions = {},
): Promise<RunningApi> {
  // Refused before anything is opened: no tokens on a non-loopback address without AUTH=none.
  requireApiAuth(config);
  const temporal = createTemporalClient(config);
  const services = await openServices(config);
  const app = buildApp({ config, logger, temporal, services, devMailbox: options.devMailbox });
  // Jobs recorded in the outbox while Temporal was unreachable are started from the API process.
  const relay = new OutboxRelay({ outbox: services.outbox, temporal, logger });
  await app.listen({ host: config.host, port: config.port });
  relay.start();
  logger.info({ url: `http://${config.host}:${config.port}` }, 'API listening');
  return {
    stop: async () => {
      await relay.stop();
      await app.close();
      await temporal.connection.close();
      await services.close();
    },
  };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('api', config.logLevel);
  const api = await startApi(config, logger);
  const shutdown = () => {
    void api.stop().finally(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
