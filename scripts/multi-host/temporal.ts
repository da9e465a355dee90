import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { binaries, temporalSchemaDir } from './paths';
import type { PortAllocator } from './ports';
import { ManagedProcess, runToCompletion, type ProcessSpec } from './processes';

type Track = (process: ManagedProcess) => void;

const SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
type Service = (typeof SERVICES)[number];
type ServicePorts = Record<Service, { grpcPort: number; membershipPort: number }>;

const DATABASES = [
  { name: 'temporal', schema: 'temporal', maxConns: 20 },
  { name: 'temporal_visibility', schema: 'visibility', maxConns: 10 },
] as const;

/** Creates Temporal's two databases and brings their schema to the module's latest version. */
export async function setUpTemporalSchema(
  postgresPort: number,
  logFile: string,
  track: Track,
): Promise<void> {
  for (const database of DATABASES) {
    const connection = ['--endpoint', '127.0.0.1', '--port', String(postgresPort), '--user', 'postgres'];
    const common = [...connection, '--plugin', 'postgres12', '--database', database.name];
    const steps = [
      ['create-database'],
      ['setup-schema', '--version', '0.0'],
      ['update-schema', '--schema-dir', temporalSchemaDir(database.schema)],
    ];
    for (const step of steps) {
      const spec = {
        name: 'temporal-sql-tool',
        command: binaries.temporalSqlTool,
        args: [...common, ...step],
        logFile,
      };
      await runToCompletion(spec, 60_000, track);
    }
  }
}

function datastore(databaseName: string, postgresPort: number, maxConns: number) {
  return {
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `127.0.0.1:${postgresPort}`,
      connectProtocol: 'tcp',
      user: 'postgres',
      password: '',
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  };
}

interface ClusterSettings {
  postgresPort: number;
  /** The address the cluster is known by (the load balancer). */
  clusterAddress: string;
  dynamicConfigFile: string;
}

// JSON is YAML: the server reads this file as its YAML configuration.
function nodeConfig(ports: ServicePorts, httpPort: number, cluster: ClusterSettings): string {
  const services = Object.fromEntries(
    SERVICES.map((service) => [
      service,
      { rpc: { ...ports[service], bindOnIP: '127.0.0.1', ...(service === 'frontend' ? { httpPort } : {}) } },
    ]),
  );
  const config = {
    log: { stdout: true, level: 'warn', format: 'json' },
    persistence: {
      defaultStore: 'default',
      visibilityStore: 'visibility',
      numHistoryShards: 4,
      datastores: Object.fromEntries(
        DATABASES.map((db) => [
          db.schema === 'temporal' ? 'default' : 'visibility',
          datastore(db.name, cluster.postgresPort, db.maxConns),
        ]),
      ),
    },
    // Nodes find each other through the cluster_membership table; no seed list is needed.
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services,
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: cluster.clusterAddress,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: cluster.dynamicConfigFile, pollInterval: '10s' },
  };
  return JSON.stringify(config, null, 2);
}

/**
 * Search attributes registered through one node must be usable at once through the other: without
 * this, a node trusts its cached list for up to a minute.
 */
export function writeDynamicConfig(file: string): void {
  const settings = {
    'system.forceSearchAttributesCacheRefreshOnRead': [{ value: true, constraints: {} }],
    'limit.maxIDLength': [{ value: 255, constraints: {} }],
  };
  fs.writeFileSync(file, JSON.stringify(settings, null, 2));
}

async function answersOn(address: string, namespace?: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 2000 });
  try {
    await connection.workflowService.getSystemInfo({});
    if (namespace) await connection.workflowService.countWorkflowExecutions({ namespace });
    return true;
  } finally {
    await connection.close();
  }
}

export interface NodeState {
  index: number;
  frontendAddress: string;
  pid: number | null;
  running: boolean;
  logFile: string;
  configFile: string;
}

/** One process running all four Temporal services; it can be killed and started again. */
export class TemporalNode {
  private process: ManagedProcess | undefined;

  private constructor(
    readonly index: number,
    readonly frontendAddress: string,
    private readonly spec: ProcessSpec,
    private readonly track: Track,
  ) {}

  static async create(
    index: number,
    dir: string,
    ports: PortAllocator,
    cluster: ClusterSettings,
    track: Track,
  ): Promise<TemporalNode> {
    const servicePorts = {} as ServicePorts;
    for (const service of SERVICES) {
      servicePorts[service] = { grpcPort: await ports.next(), membershipPort: await ports.next() };
    }
    const configFile = path.join(dir, `temporal-node-${index}.yaml`);
    fs.writeFileSync(configFile, nodeConfig(servicePorts, await ports.next(), cluster));
    const spec = {
      name: `temporal node ${index}`,
      command: binaries.temporalServer,
      args: ['--config-file', configFile, '--allow-no-auth', 'start'],
      logFile: path.join(dir, `temporal-node-${index}.log`),
      cwd: dir,
    };
    return new TemporalNode(index, `127.0.0.1:${servicePorts.frontend.grpcPort}`, spec, track);
  }

  get state(): NodeState {
    return {
      index: this.index,
      frontendAddress: this.frontendAddress,
      pid: this.process?.running ? this.process.pid : null,
      running: this.process?.running ?? false,
      logFile: this.spec.logFile,
      configFile: this.spec.args[1]!,
    };
  }

  /** Starts the node and waits until its frontend serves (and knows `namespace`, when given). */
  async start(namespace?: string): Promise<void> {
    if (this.process?.running) throw new Error(`temporal node ${this.index} is already running`);
    this.process = ManagedProcess.start(this.spec);
    this.track(this.process);
    await this.waitServing(namespace);
  }

  waitServing(namespace?: string): Promise<void> {
    const what = `temporal node ${this.index} serving on ${this.frontendAddress}`;
    return this.process!.waitUntil(what, () => answersOn(this.frontendAddress, namespace), 120_000);
  }

  /** SIGKILL: the node vanishes without leaving the membership ring. */
  async kill(): Promise<void> {
    if (!this.process?.running) throw new Error(`temporal node ${this.index} is not running`);
    this.process.signal('SIGKILL');
    await this.process.exited;
  }

  async stop(): Promise<void> {
    await this.process?.stop('SIGTERM', 5_000);
  }
}

/** The Temporal CLI registers the namespace, as an operator would. */
export async function createNamespace(
  address: string,
  namespace: string,
  logFile: string,
  track: Track,
): Promise<void> {
  const args = [
    'operator',
    'namespace',
    'create',
    '--namespace',
    namespace,
    '--retention',
    '72h',
    '--address',
    address,
  ];
  await runToCompletion(
    { name: 'temporal CLI', command: binaries.temporalCli, args, logFile },
    60_000,
    track,
  );
}
