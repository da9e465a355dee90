import { loadConfig, requireApiAuth, type Config } from '../config';
import type { CapturedMailbox } from '../email/mailbox';
import { createLogger, type Logger } from '../logger';
import { OutboxRelay } from '../outbox/outbox-relay';
import { createTemporalClient } from '../temporal/client';
import { openServices } from '../services';
import { buildServer } from './app';
import { loadSpikard } from './spikard-binding';
import { onStopSignals } from '../stop-signals';

export interface RunningApi {
  stop(): Promise<void>;
}

export interface StartApiOptions {
  /** Set while the capturing SMTP server runs, to expose what it received. */
  devMailbox?: CapturedMailbox;
}

/** Stops at start, before anything is opened, when HTTP_SERVER names a server this machine lacks. */
export function requireHttpServer(config: Config): void {
  if (config.httpServer === 'spikard') loadSpikard();
}

export async function startApi(
  config: Config,
  logger: Logger,
  options: StartApiOptions = {},
): Promise<RunningApi> {
  // Refused before anything is opened: no tokens on a non-loopback address without AUTH=none.
  requireApiAuth(config);
  requireHttpServer(config);
  const temporal = createTemporalClient(config);
  const services = await openServices(config);
  const server = buildServer({ config, logger, temporal, services, devMailbox: options.devMailbox });
  // Jobs recorded in the outbox while Temporal was unreachable are started from the API process.
  const relay = new OutboxRelay({ outbox: services.outbox, temporal, logger });
  await server.listen({ host: config.host, port: config.port });
  relay.start();
  logger.info({ url: `http://${config.host}:${config.port}`, server: config.httpServer }, 'API listening');
  return {
    stop: async () => {
      await relay.stop();
      await server.close();
      await temporal.connection.close();
      await services.close();
    },
  };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('api', config.logLevel);
  const running: { api?: RunningApi } = {};
  // Before the server starts: Spikard ends only on these signals, and spins without a listener.
  onStopSignals(logger, () => {
    void (running.api?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
  });
  running.api = await startApi(config, logger);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
