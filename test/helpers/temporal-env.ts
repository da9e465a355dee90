import fs from 'node:fs';
import { TestWorkflowEnvironment, type ClientOptionsForTestEnv } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { BannerPlugin, type Configuration } from 'webpack';
import { SEARCH_ATTRIBUTES } from '../../src/contracts';
import { FAILURE_CONVERTER_PATH } from '../../src/temporal/data-converter';
import { ensureSearchAttributes } from '../../src/temporal/search-attributes';
import { binaryPaths } from '../../scripts/temporal-paths';

type Executable = { type: 'existing-path'; path: string } | { type: 'cached-download' };

/**
 * The project's pinned binaries (scripts/setup-temporal.js); where they are absent the SDK's own
 * download is used, which only works with internet access.
 */
function executable(path: string): Executable {
  return fs.existsSync(path) ? { type: 'existing-path', path } : { type: 'cached-download' };
}

/** `client`: the environment's client options, e.g. the data converter that encrypts payloads. */
export async function createTimeSkippingEnv(
  client: ClientOptionsForTestEnv = {},
): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: executable(binaryPaths.testServer) },
    client,
  });
  await ensureSearchAttributes(env.connection.operatorService, env.namespace ?? 'default');
  return env;
}

export interface LocalEnvOptions {
  /** With it, the dev server's Web UI too. */
  uiPort?: number;
  /** False starts a server that lacks the job search attributes, like a fresh cluster. */
  searchAttributes?: boolean;
  /** More namespaces besides `default`. */
  namespaces?: string[];
  /** The Web UI's codec endpoint (`--ui-codec-endpoint`); needs `uiPort`. */
  uiCodecEndpoint?: string;
  /** The environment's client options, e.g. the data converter that encrypts payloads. */
  client?: ClientOptionsForTestEnv;
}

/** The real dev server (in memory). */
export function createLocalEnv(options: LocalEnvOptions = {}): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: executable(binaryPaths.cli),
      ...(options.searchAttributes === false ? {} : { searchAttributes: [...SEARCH_ATTRIBUTES] }),
      ...(options.uiPort ? { ui: true, uiPort: options.uiPort } : {}),
      extraArgs: [
        ...(options.namespaces ?? []).flatMap((namespace) => ['--namespace', namespace]),
        ...(options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []),
      ],
    },
    client: options.client,
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

/** Set by the mutation-testing run (`npm run test:mutation`) to the mutant under test. */
const ACTIVE_MUTANT_VARIABLE = '__STRYKER_ACTIVE_MUTANT__';

/**
 * Workflow code runs in Temporal's sandbox, which cannot see this process's environment: the
 * bundle's first line gives it the one variable Stryker's switches read. Only that: objects the
 * bundle creates up front are frozen before workflows load, and Stryker must create its own.
 */
function withActiveMutant(config: Configuration): Configuration {
  const activeMutant = process.env[ACTIVE_MUTANT_VARIABLE];
  if (activeMutant === undefined) return config;
  const banner = `globalThis.process = { env: { ${ACTIVE_MUTANT_VARIABLE}: ${JSON.stringify(activeMutant)} } };`;
  return {
    ...config,
    plugins: [...(config.plugins ?? []), new BannerPlugin({ banner, raw: true, entryOnly: true })],
  };
}

/**
 * Bundling takes seconds: once per workflows module per test file. `encrypted`: with the failure
 * converter that puts failure messages in (encrypted) payloads, as the worker bundles it then.
 */
export function bundleWorkflows(
  workflowsPath: string,
  encrypted = false,
): Promise<WorkflowBundleWithSourceMap> {
  const key = `${workflowsPath}#${process.env[ACTIVE_MUTANT_VARIABLE] ?? ''}#${encrypted}`;
  let bundle = bundles.get(key);
  if (!bundle) {
    bundle = bundleWorkflowCode({
      workflowsPath,
      logger: quietLogger,
      webpackConfigHook: withActiveMutant,
      ...(encrypted ? { failureConverterPath: FAILURE_CONVERTER_PATH } : {}),
    });
    bundles.set(key, bundle);
  }
  return bundle;
}
