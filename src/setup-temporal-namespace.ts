// `npm run setup:temporal-namespace`: adds the job search attributes to TEMPORAL_NAMESPACE, the
// same step every worker runs before it polls; for deployments that prefer to do it once, up front.
import { Connection } from '@temporalio/client';
import { loadConfig } from './config';
import { createLogger } from './logger';
import { temporalConnectionOptions } from './temporal/client';
import { prepareNamespace } from './temporal/search-attributes';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('setup', config.logLevel);
  const connection = await Connection.connect(temporalConnectionOptions(config)).catch((error: Error) => {
    throw new Error(`Could not reach Temporal at ${config.temporalAddress}: ${error.message}`);
  });
  try {
    await prepareNamespace(connection, config.temporalNamespace, logger);
  } finally {
    await connection.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
