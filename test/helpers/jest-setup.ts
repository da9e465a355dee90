import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

// Failing activities are the point of many tests: keep the SDK quiet unless asked (TEST_LOG_LEVEL).
const level = (process.env.TEST_LOG_LEVEL?.toUpperCase() ?? 'ERROR') as LogLevel;
Runtime.install({ logger: new DefaultLogger(level) });
