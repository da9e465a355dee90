import { loadConfig } from './config';
import { createLogger } from './logger';
import { startDevServer } from './temporal/dev-server';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('temporal', config.logLevel);
  const server = startDevServer(config, logger);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server.stop());
  const code = await server.exited;
  process.exit(code ?? 1);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
