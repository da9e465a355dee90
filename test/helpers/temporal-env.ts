import fs from 'node:fs';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { SEARCH_ATTRIBUTES } from '../../src/contracts';
import { binaryPaths } from '../../scripts/temporal-paths';

type Executable = { type: 'existing-path'; path: string } | { type: 'cached-download' };

/**
 * The project's pinned binaries (scripts/setup-temporal.js); where they are absent the SDK's own
 * download is used, which only works with internet access.
 */
function executable(path: string): Executable {
  return fs.existsSync(path) ? { type: 'existing-path', path } : { type: 'cached-download' };
}

const INDEXED_VALUE_TYPES = {
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
} as const;

/**
 * The time-skipping server knows no custom search attributes; without JobType and JobState,
 * `startJob` and `runJob` are rejected with "search attribute JobType is not defined".
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: executable(binaryPaths.testServer) },
  });
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      SEARCH_ATTRIBUTES.map((key) => [key.name, INDEXED_VALUE_TYPES[key.type]]),
    ),
  });
  return env;
}

export function createLocalEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: executable(binaryPaths.cli),
      searchAttributes: [...SEARCH_ATTRIBUTES],
    },
  });
}

const bundles = new Map<string, Promise<WorkflowBundleWithSourceMap>>();

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string) => console.error(message),
};

/** Bundling takes seconds: once per workflows module per test file. */
export function bundleWorkflows(workflowsPath: string): Promise<WorkflowBundleWithSourceMap> {
  let bundle = bundles.get(workflowsPath);
  if (!bundle) {
    bundle = bundleWorkflowCode({ workflowsPath, logger: quietLogger });
    bundles.set(workflowsPath, bundle);
  }
  return bundle;
}
