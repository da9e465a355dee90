import type { LogLevel as TemporalLogLevel, LogMetadata } from '@temporalio/common';
import { Runtime, type Logger as TemporalLogger } from '@temporalio/worker';
import type { Logger } from '../logger';

const PINO_METHOD: Record<TemporalLogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * The SDK's own lines about the worker and its polling ("Worker state changed", per-task lines)
 * are for debugging; the lines activities and workflows log about a job keep their level.
 */
function levelFor(level: TemporalLogLevel, meta: LogMetadata | undefined): TemporalLogLevel {
  const ownLine = meta?.sdkComponent !== 'activity' && meta?.sdkComponent !== 'workflow';
  return level === 'INFO' && ownLine ? 'DEBUG' : level;
}

export function temporalLoggerFor(logger: Logger): TemporalLogger {
  const log = (level: TemporalLogLevel, message: string, meta?: LogMetadata) =>
    logger[PINO_METHOD[levelFor(level, meta)]](meta ?? {}, message);
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}

/**
 * Routes the SDK's logs, native core included, into our logger. The core client's per-poll retry
 * warnings are silenced: the worker reports lost and regained connectivity once, in plain words.
 */
export function installWorkerRuntime(logger: Logger, metricsAddress?: string): void {
  Runtime.install({
    logger: temporalLoggerFor(logger),
    telemetryOptions: {
      logging: {
        filter: 'ERROR,temporalio_sdk_core=WARN,temporalio_client=ERROR,temporalio_common=WARN',
        forward: {},
      },
      // The SDK's own metrics (task latencies, slots, poll results) on http://ADDRESS/metrics.
      ...(metricsAddress ? { metrics: { prometheus: { bindAddress: metricsAddress } } } : {}),
    },
  });
  if (metricsAddress) logger.info({ metrics: `http://${metricsAddress}/metrics` }, 'worker metrics exported');
}
