import os from 'node:os';
import { jobTypePauseGate } from './temporal/job-type-pause-gate';
import { jobTypeRateLimiter } from './temporal/job-rate-limiter';
import {
  NativeConnection,
  Worker,
  type WorkflowBundleOption,
  type ActivityInterceptorsFactory,
} from '@temporalio/worker';
import { loadConfig, type Config, type WorkerLimits } from './config';
import { TASK_QUEUE } from './contracts';
import { createLogger, type Logger } from './logger';
import { createActivities, type ActivityDependencies, type JobActivities } from './activities';
import {
  checkTemporalReadiness,
  createTemporalClient,
  describeConnectionError,
  temporalConnectionOptions,
} from './temporal/client';
import { payloadDataConverter } from './temporal/data-converter';
import { bundleInChildProcess } from './temporal/workflow-bundle';
import { jobLogAttributes } from './temporal/activity-log';
import { shutdownAsInterruption } from './temporal/worker-shutdown';
import { installWorkerRuntime } from './temporal/runtime';
import { ensureRetentionSchedule } from './temporal/retention-schedule';
import { prepareNamespace, SearchAttributeSetupError } from './temporal/search-attributes';
import { openServices } from './services';
import { onStopSignals } from './stop-signals';
import type { Client } from '@temporalio/client';

export { WORKFLOWS_PATH } from './temporal/workflow-bundle';

export interface JobsWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  workflowBundle: WorkflowBundleOption;
  dependencies: ActivityDependencies;
  taskQueue?: string;
  /** A seam for tests that need an activity to fail in a way the real world cannot be made to. */
  wrapActivities?: (activities: JobActivities) => JobActivities;
}

function activityInterceptors(options: JobsWorkerOptions): ActivityInterceptorsFactory[] {
  const { jobTypePauses, config } = options.dependencies;
  const identity = `${process.pid}@${os.hostname()}`;
  return [
    jobLogAttributes,
    // Outside the gate and the limiter: a step cut off by a shutdown while waiting is an interruption too.
    shutdownAsInterruption,
    // Paused first: a step that pauses itself does not take a turn of its type's rate.
    ...(jobTypePauses ? [jobTypePauseGate(jobTypePauses, options.connection.workflowService, identity)] : []),
    ...(Object.keys(config.jobRateLimits).length > 0 ? [jobTypeRateLimiter(config.jobRateLimits)] : []),
  ];
}

/** The SDK's defaults scale with the machine's memory (thousands of cached workflows): bounded here. */
export function workerLimitOptions(limits: WorkerLimits) {
  return {
    maxCachedWorkflows: limits.maxCachedWorkflows,
    maxConcurrentActivityTaskExecutions: limits.maxConcurrentActivities,
    maxConcurrentWorkflowTaskExecutions: limits.maxConcurrentWorkflowTasks,
  };
}

export function createJobsWorker(options: JobsWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    workflowBundle: options.workflowBundle,
    // The bundle must have been built with the same failure converter (`bundleJobWorkflows`).
    dataConverter: payloadDataConverter(options.dependencies.config.payloadEncryptionKeys),
    activities: (options.wrapActivities ?? ((activities) => activities))(
      createActivities(options.dependencies),
    ),
    interceptors: { activity: activityInterceptors(options) },
    // Heartbeats carry progress inside long steps; send them often enough to watch it move.
    maxHeartbeatThrottleInterval: '1 second',
    defaultHeartbeatThrottleInterval: '1 second',
    // On shutdown: stop polling, let running attempts finish within the grace, then cancel them.
    shutdownGraceTime: options.dependencies.config.workerShutdownGraceMs,
    // An attempt that ignores its cancellation must not keep the process from exiting.
    shutdownForceTime: options.dependencies.config.workerShutdownGraceMs + SHUTDOWN_FORCE_AFTER_GRACE_MS,
    // A killed worker's cached workflows wait this long before another worker takes their next task.
    stickyQueueScheduleToStartTimeout: '2 seconds',
    ...workerLimitOptions(options.dependencies.config.workerLimits),
  });
}

/** How long cancelled attempts get to report their interruption before the worker stops anyway. */
const SHUTDOWN_FORCE_AFTER_GRACE_MS = 5_000;

/**
 * Jobs run without the schedule, so a connection that may not create it does not stop the worker;
 * it says loudly that nothing is being deleted. Unreachability already failed the namespace step.
 */
async function ensureRetentionScheduleOrSay(client: Client, config: Config, logger: Logger): Promise<void> {
  try {
    await ensureRetentionSchedule(client, config.retentionSweepIntervalMs, logger);
  } catch (error) {
    logger.error(
      { err: error },
      'retention schedule could not be ensured: uploaded files are not deleted and dead letters not redacted until a worker starts that can',
    );
  }
}

const RECONNECT_DELAYS_MS = [1_000, 2_000, 5_000, 10_000];

/** Waits `ms`, or less when `signal` aborts first. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    // Removed when the wait ends, so reconnect after reconnect does not pile listeners on the signal.
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

const CONNECTIVITY_CHECK_MS = 3_000;

/** The SDK retries polls by itself; this says once, clearly, when Temporal goes away and comes back. */
function watchConnectivity(client: Client, address: string, logger: Logger): () => void {
  let reachable = true;
  const timer = setInterval(async () => {
    const readiness = await checkTemporalReadiness(client);
    if (!readiness.ready && reachable) {
      reachable = false;
      logger.warn(
        { temporal: address, reason: readiness.reason },
        'Temporal unreachable; worker reconnecting (polls are retried)',
      );
    } else if (readiness.ready && !reachable) {
      reachable = true;
      logger.info('Temporal reachable again; worker resumed polling');
    }
  }, CONNECTIVITY_CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Runs the worker until `stop` aborts. When Temporal is unreachable (at start or later) the
 * worker is rebuilt after a short, growing delay instead of taking the process down.
 */
export async function runWorkerUntilStopped(
  config: Config,
  logger: Logger,
  stop: AbortSignal,
  seams: WorkerSeams = {},
): Promise<void> {
  installWorkerRuntime(logger, config.workerMetricsAddress);
  // Bundling takes seconds: it runs while the namespace is checked, which may stop the worker first.
  const bundling: Promise<WorkflowBundleOption> = seams.workflowBundle
    ? Promise.resolve(seams.workflowBundle)
    : bundleInChildProcess(config.payloadEncryptionKeys.length > 0);
  bundling.catch(() => undefined);
  const client = createTemporalClient(config);
  const services = await openServices(config);
  const dependencies: ActivityDependencies = { config, temporal: client, ...services };
  const stopWatching = watchConnectivity(client, config.temporalAddress, logger);
  const shutDown = async () => {
    stopWatching();
    await client.connection.close();
    await services.close();
  };
  let failures = 0;
  let namespaceReady = false;
  while (!stop.aborted) {
    let connection: NativeConnection | undefined;
    try {
      connection = await NativeConnection.connect(temporalConnectionOptions(config));
      if (!namespaceReady) {
        await prepareNamespace(client.connection, config.temporalNamespace, logger);
        await ensureRetentionScheduleOrSay(client, config, logger);
        namespaceReady = true;
      }
      const worker = await createJobsWorker({
        connection,
        namespace: config.temporalNamespace,
        workflowBundle: await bundling,
        dependencies,
        wrapActivities: seams.wrapActivities,
      });
      logger.info({ taskQueue: TASK_QUEUE, temporal: config.temporalAddress }, 'worker polling');
      failures = 0;
      const stopped = new Promise<void>((resolve) => stop.addEventListener('abort', () => resolve()));
      void stopped.then(() =>
        logger.info({ graceMs: config.workerShutdownGraceMs }, 'worker draining: polls stopped'),
      );
      await worker.runUntil(stopped);
    } catch (error) {
      if (stop.aborted) break;
      if (error instanceof SearchAttributeSetupError) {
        await shutDown();
        throw error;
      }
      const delay = RECONNECT_DELAYS_MS[Math.min(failures, RECONNECT_DELAYS_MS.length - 1)] ?? 10_000;
      failures += 1;
      logger.warn(
        { temporal: config.temporalAddress, reason: describeConnectionError(error), retryInMs: delay },
        'Temporal unreachable; worker reconnecting',
      );
      await sleep(delay, stop);
    } finally {
      await connection?.close().catch(() => undefined);
    }
  }
  await shutDown();
  logger.info('worker stopped');
}

/** Test seams: a workflow bundle built once for many worker processes, wrapped activities. */
export interface WorkerSeams {
  workflowBundle?: WorkflowBundleOption;
  wrapActivities?: JobsWorkerOptions['wrapActivities'];
}

/** `npm run worker` and worker processes in tests: runs until a signal, then drains. */
export async function runWorkerProcess(seams: WorkerSeams = {}): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('worker', config.logLevel);
  const controller = new AbortController();
  onStopSignals(logger, () => controller.abort());
  await runWorkerUntilStopped(config, logger, controller.signal, seams);
}

if (require.main === module) {
  runWorkerProcess().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
