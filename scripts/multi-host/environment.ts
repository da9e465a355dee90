// The servers the multi-host test suite runs against, all on 127.0.0.1 in one temporary folder:
// PostgreSQL 15, a two-node Temporal cluster on it behind a TCP load balancer, and versitygw.
// Run directly (`tsx scripts/multi-host/environment.ts`), it prints the tests' environment
// variables and runs until interrupted (or until its standard input closes, with --stop-on-stdin-close).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startControlServer, type ControlServer } from './control';
import { startLoadBalancer, type LoadBalancer } from './load-balancer';
import { binaries } from './paths';
import { PortAllocator } from './ports';
import { startPostgres, type PostgresServer } from './postgres';
import type { ManagedProcess } from './processes';
import {
  createNamespace,
  setUpTemporalSchema,
  TemporalNode,
  writeDynamicConfig,
  type NodeState,
} from './temporal';
import { startVersitygw, type ObjectStore } from './versitygw';

export const NAMESPACE = 'default';
const NODE_COUNT = 2;

export interface MultiHostEnvironment {
  /** The temporary folder holding every server's data, configuration and log. */
  dir: string;
  /** PostgreSQL superuser URL. */
  databaseUrl: string;
  s3: { endpoint: string; accessKey: string; secretKey: string };
  /** The load balancer in front of the Temporal frontends. */
  temporalAddress: string;
  namespace: string;
  logs: Record<string, string>;
  nodes(): NodeState[];
  /** SIGKILLs node `index` and waits for it to be gone. */
  killNode(index: number): Promise<void>;
  /** Starts node `index` again and waits until it serves the namespace. */
  restartNode(index: number): Promise<void>;
  stop(): Promise<void>;
}

type Log = (message: string) => void;

const defaultLog: Log = (message) => process.stderr.write(`[multi-host] ${message}\n`);

function checkInstalled(): void {
  const missing = Object.values(binaries).filter((file) => !fs.existsSync(file));
  if (missing.length > 0) {
    throw new Error(
      `missing ${missing.join(', ')}: run scripts/multi-host/install.sh (npm run test:multi-host does)`,
    );
  }
}

/** Everything started so far, stopped in reverse order of need, whatever happens. */
class Resources {
  readonly processes = new Set<ManagedProcess>();
  nodes: TemporalNode[] = [];
  postgres: PostgresServer | undefined;
  store: ObjectStore | undefined;
  balancer: LoadBalancer | undefined;

  constructor(
    readonly dir: string,
    private readonly keepLogsIn: string | undefined,
  ) {}

  private stopping = false;

  readonly track = (process: ManagedProcess): void => {
    this.processes.add(process);
    // Start-up still running when a stop was asked for: whatever it starts goes at once.
    if (this.stopping) process.signal('SIGKILL');
  };

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.nodes.map((node) => node.stop()), this.store?.process.stop('SIGTERM', 5_000)]);
    await this.balancer?.close();
    // SIGINT is PostgreSQL's fast shutdown: it closes client connections instead of waiting.
    await this.postgres?.process.stop('SIGINT', 10_000);
    await Promise.all([...this.processes].map((process) => process.stop('SIGKILL', 0)));
    this.removeDir();
  }

  /** The folder goes; its logs and configuration files are kept for a person to read. */
  private removeDir(): void {
    if (this.keepLogsIn && fs.existsSync(this.dir)) {
      fs.rmSync(this.keepLogsIn, { recursive: true, force: true });
      fs.mkdirSync(this.keepLogsIn, { recursive: true });
      for (const name of fs.readdirSync(this.dir).filter((file) => /\.(log|yaml)$/.test(file))) {
        fs.copyFileSync(path.join(this.dir, name), path.join(this.keepLogsIn, name));
      }
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** Last resort when the process exits without stop(): no waiting is possible there. */
  readonly killNow = (): void => {
    for (const process of this.processes) process.signal('SIGKILL');
    this.removeDir();
  };
}

async function timed<T>(log: Log, what: string, step: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await step();
  log(`${what} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

async function startCluster(
  resources: Resources,
  ports: PortAllocator,
  postgres: PostgresServer,
  log: Log,
): Promise<string> {
  const { dir, track } = resources;
  const toolLog = path.join(dir, 'temporal-tools.log');
  await timed(log, `Temporal schema set up (log: ${toolLog})`, () =>
    setUpTemporalSchema(postgres.port, toolLog, track),
  );
  const dynamicConfigFile = path.join(dir, 'temporal-dynamic-config.yaml');
  writeDynamicConfig(dynamicConfigFile);
  const balancerPort = await ports.next();
  const cluster = {
    postgresPort: postgres.port,
    clusterAddress: `127.0.0.1:${balancerPort}`,
    dynamicConfigFile,
  };
  for (let index = 0; index < NODE_COUNT; index += 1) {
    resources.nodes.push(await TemporalNode.create(index, dir, ports, cluster, track));
  }
  resources.balancer = await startLoadBalancer(
    balancerPort,
    resources.nodes.map((node) => node.frontendAddress),
  );
  // Two nodes starting together on an empty database race to write the cluster metadata.
  const [first, ...others] = resources.nodes;
  await timed(
    log,
    `Temporal node 0 serving on ${first!.frontendAddress} (log: ${first!.state.logFile})`,
    () => first!.start(),
  );
  await createNamespace(resources.balancer.address, NAMESPACE, toolLog, track);
  for (const node of others) {
    await timed(
      log,
      `Temporal node ${node.index} serving on ${node.frontendAddress} (log: ${node.state.logFile})`,
      () => node.start(NAMESPACE),
    );
  }
  await first!.waitServing(NAMESPACE);
  return resources.balancer.address;
}

export interface StartOptions {
  log?: Log;
  /** Stop everything and exit on SIGINT/SIGTERM (default true). */
  handleSignals?: boolean;
  /** Where to copy the logs (and configuration files) when stopping: the folder itself is removed. */
  keepLogsIn?: string;
}

/** Stops once, whoever asks first: the caller, a signal, or the process exiting. */
function stopper(resources: Resources, options: StartOptions, log: Log): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= resources.stop().finally(() => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    });
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping`);
    void stop().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  // Stays registered: a process started while stopping is killed there at the latest.
  process.on('exit', resources.killNow);
  if (options.handleSignals ?? true) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  return stop;
}

function handle(
  resources: Resources,
  temporalAddress: string,
  stop: () => Promise<void>,
): MultiHostEnvironment {
  const { dir, nodes, postgres, store } = resources;
  const node = (index: number) => {
    const found = nodes[index];
    if (!found) throw new Error(`no Temporal node ${index} (there are ${nodes.length})`);
    return found;
  };
  return {
    dir,
    databaseUrl: postgres!.url,
    s3: { endpoint: store!.endpoint, accessKey: store!.accessKey, secretKey: store!.secretKey },
    temporalAddress,
    namespace: NAMESPACE,
    logs: {
      postgres: postgres!.logFile,
      versitygw: store!.logFile,
      temporalTools: path.join(dir, 'temporal-tools.log'),
      ...Object.fromEntries(nodes.map((n) => [`temporalNode${n.index}`, n.state.logFile])),
    },
    nodes: () => nodes.map((n) => n.state),
    killNode: (index) => node(index).kill(),
    restartNode: (index) => node(index).start(NAMESPACE),
    stop,
  };
}

async function startServers(resources: Resources, log: Log): Promise<string> {
  const { dir, track } = resources;
  const ports = new PortAllocator();
  const [postgres, store] = await Promise.all([
    timed(log, 'PostgreSQL started', async () => startPostgres({ dir, port: await ports.next(), track })),
    timed(log, 'versitygw started', async () => startVersitygw(dir, await ports.next(), track)),
  ]);
  resources.postgres = postgres;
  resources.store = store;
  log(`PostgreSQL on ${postgres.url} (log: ${postgres.logFile})`);
  log(`versitygw on ${store.endpoint} (log: ${store.logFile})`);
  const temporalAddress = await startCluster(resources, ports, postgres, log);
  log(`Temporal cluster behind the load balancer ${temporalAddress}`);
  return temporalAddress;
}

export async function startEnvironment(options: StartOptions = {}): Promise<MultiHostEnvironment> {
  const log = options.log ?? defaultLog;
  checkInstalled();
  const started = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-multi-host-'));
  // PostgreSQL runs as another user and must reach its data folder inside.
  fs.chmodSync(dir, 0o755);
  const resources = new Resources(dir, options.keepLogsIn);
  const stop = stopper(resources, options, log);
  log(`folder ${dir}`);
  if (options.keepLogsIn) log(`its logs are copied to ${options.keepLogsIn} when it stops`);
  try {
    const temporalAddress = await startServers(resources, log);
    log(`environment ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return handle(resources, temporalAddress, stop);
  } catch (error) {
    log('start-up failed: stopping what was started');
    await stop();
    throw error;
  }
}

/** The variables the multi-host tests read (see test/multi-host/README.md). */
export function testVariables(env: MultiHostEnvironment, control: ControlServer): Record<string, string> {
  return {
    TEST_DATABASE_URL: env.databaseUrl,
    TEST_S3_ENDPOINT: env.s3.endpoint,
    TEST_S3_ACCESS_KEY: env.s3.accessKey,
    TEST_S3_SECRET_KEY: env.s3.secretKey,
    TEST_TEMPORAL_ADDRESS: env.temporalAddress,
    TEST_TEMPORAL_NAMESPACE: env.namespace,
    TEST_TEMPORAL_NODES: env
      .nodes()
      .map((node) => node.frontendAddress)
      .join(','),
    TEST_TEMPORAL_CONTROL: control.url,
    TEST_MULTI_HOST_DIR: env.dir,
  };
}

const LOGS_KEPT_IN = path.resolve(__dirname, '..', '..', 'test-artifacts', 'multi-host-logs');

async function main(): Promise<void> {
  const env = await startEnvironment({ keepLogsIn: LOGS_KEPT_IN });
  const control = await startControlServer(await new PortAllocator().next(), env);
  const shutdown = async () => {
    await control.close();
    await env.stop();
  };
  for (const [name, value] of Object.entries(testVariables(env, control))) {
    process.stdout.write(`export ${name}=${value}\n`);
  }
  process.stderr.write('[multi-host] running; Ctrl-C stops everything\n');
  if (process.argv.includes('--stop-on-stdin-close')) {
    // Our parent holds the other end: when it goes, even by SIGKILL, so does the environment.
    process.stdin.resume();
    process.stdin.once('close', () => void shutdown().then(() => process.exit(0)));
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`[multi-host] ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
