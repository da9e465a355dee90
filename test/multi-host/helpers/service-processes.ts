import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { S3Settings } from '../../../src/files/s3-blob-store';
import { closedPort } from '../../helpers/ports';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const ENTRY_POINTS = { api: 'src/api/server.ts', worker: 'src/worker.ts' } as const;
const READY_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 10_000;

export type ServiceKind = keyof typeof ENTRY_POINTS;

/** What every host of one deployment shares. */
export interface SharedSettings {
  databaseUrl: string;
  objectStore: S3Settings;
  webhookSecret: string;
  /** `host:port` of the tests' loopback webhook receivers (WEBHOOK_ALLOWED_HOSTS). */
  webhookAllowedHosts?: string[];
  smtpUrl: string;
  temporalAddress: string;
  namespace: string;
}

function environmentFor(shared: SharedSettings, dataDir: string, port: number): NodeJS.ProcessEnv {
  const store = shared.objectStore;
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    DATABASE_URL: shared.databaseUrl,
    WEBHOOK_SECRET: shared.webhookSecret,
    WEBHOOK_ALLOWED_HOSTS: (shared.webhookAllowedHosts ?? []).join(','),
    SMTP_URL: shared.smtpUrl,
    TEMPORAL_ADDRESS: shared.temporalAddress,
    TEMPORAL_NAMESPACE: shared.namespace,
    S3_BUCKET: store.bucket,
    S3_PREFIX: store.prefix,
    ...(store.endpoint ? { S3_ENDPOINT: store.endpoint } : {}),
    AWS_REGION: store.region,
    AWS_ACCESS_KEY_ID: store.credentials?.accessKeyId,
    AWS_SECRET_ACCESS_KEY: store.credentials?.secretAccessKey,
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One API or worker "host": a real child process (`node --import tsx src/...`) with its own
 * DATA_DIR and port, its JSON log in a file.
 */
export class ServiceProcess {
  private exited: Promise<number | null>;
  private exitCode: number | null | undefined;

  private constructor(
    readonly name: string,
    readonly kind: ServiceKind,
    readonly dataDir: string,
    readonly logFile: string,
    readonly port: number,
    private readonly child: ChildProcess,
    /** Where this run's lines start: a restarted host appends to the log of its earlier runs. */
    private readonly logOffset: number,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        this.exitCode = code;
        resolve(code);
      }),
    );
  }

  /** Starts the process and resolves once it serves (API: /readyz 200; worker: polling). */
  static async start(
    kind: ServiceKind,
    name: string,
    rootDir: string,
    shared: SharedSettings,
  ): Promise<ServiceProcess> {
    const dataDir = path.join(rootDir, name, 'data');
    fs.mkdirSync(dataDir, { recursive: true });
    const logFile = path.join(rootDir, name, `${kind}.log`);
    const port = await closedPort();
    const logOffset = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
    const log = fs.openSync(logFile, 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY_POINTS[kind]], {
      cwd: ROOT,
      env: environmentFor(shared, dataDir, port),
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    const service = new ServiceProcess(name, kind, dataDir, logFile, port, child, logOffset);
    try {
      await service.waitUntilReady();
    } catch (error) {
      await service.stop();
      throw error;
    }
    return service;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** What this run of the process has logged. */
  log(): string {
    if (!fs.existsSync(this.logFile)) return '';
    return fs.readFileSync(this.logFile).subarray(this.logOffset).toString('utf8');
  }

  /** This run's JSON log lines (other lines, such as a start-up error, are left out). */
  logEntries(): Record<string, unknown>[] {
    return this.log()
      .split('\n')
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  }

  private async isReady(): Promise<boolean> {
    if (this.kind === 'worker') return this.logEntries().some((entry) => entry.msg === 'worker polling');
    try {
      return (await fetch(`${this.url}/readyz`)).status === 200;
    } catch {
      return false;
    }
  }

  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited during start-up:\n${this.log().slice(-3000)}`);
      if (await this.isReady()) return;
      await sleep(250);
    }
    throw new Error(`${this.name} not ready after ${READY_TIMEOUT_MS / 1000} s:\n${this.log().slice(-3000)}`);
  }

  /** SIGKILL: the host dies with whatever it was doing. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, then SIGKILL when it has not exited within the grace period. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }
}
