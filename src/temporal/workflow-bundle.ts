// The workflows run in Temporal's sandbox from a webpack bundle built when the worker starts.
// Webpack leaves some 90 MiB behind in the process that ran it, never given back: the worker has a
// short-lived child process build the bundle and keeps only the code.
import { fork } from 'node:child_process';
import {
  bundleWorkflowCode,
  type WorkflowBundleOption,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from './data-converter';

/** Workflows are loaded by path: everything under src/workflows runs in Temporal's sandbox. */
export const WORKFLOWS_PATH = require.resolve('../workflows');

const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

/** `encrypted`: workflow failures put their message in a payload, which the codec then seals. */
export async function bundleJobWorkflows(encrypted: boolean): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: quietBundlerLogger,
    ...(encrypted ? { failureConverterPath: FAILURE_CONVERTER_PATH } : {}),
  });
}

const ENCRYPTED_ARGUMENT = '--encrypted';

/** `bundleJobWorkflows` in a child process of the same Node and loader; resolves with the code. */
export function bundleInChildProcess(encrypted: boolean): Promise<WorkflowBundleOption> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, encrypted ? [ENCRYPTED_ARGUMENT] : [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let code: string | undefined;
    child.once('message', (message) => {
      code = (message as { code?: unknown }).code as string | undefined;
    });
    child.once('error', reject);
    child.once('exit', (exitCode, signal) => {
      if (typeof code === 'string' && exitCode === 0) resolve({ code });
      else reject(new Error(`bundling the workflows failed (exit ${exitCode ?? signal})`));
    });
  });
}

if (require.main === module) {
  bundleJobWorkflows(process.argv.includes(ENCRYPTED_ARGUMENT)).then(
    ({ code }) => process.send?.({ code }, () => process.disconnect()),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
