import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  /** stdout and stderr are appended there. */
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run as another user (PostgreSQL refuses to run as root). */
  user?: { uid: number; gid: number };
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const TAIL_BYTES = 4000;

/** The end of a log file, to quote in an error. */
export function logTail(logFile: string): string {
  try {
    const text = fs.readFileSync(logFile, 'utf8');
    return text.slice(-TAIL_BYTES);
  } catch {
    return '(no log)';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A child in its own process group: a terminal's Ctrl-C reaches only us, so we choose the order
 * of shutdown, and a signal sent to the group reaches anything the child started.
 */
export class ManagedProcess {
  readonly exited: Promise<Exit>;
  private exit: Exit | undefined;

  private constructor(
    readonly spec: ProcessSpec,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  static start(spec: ProcessSpec): ManagedProcess {
    const log = fs.openSync(spec.logFile, 'a');
    try {
      const child = spawn(spec.command, spec.args, {
        cwd: spec.cwd,
        env: spec.env ?? process.env,
        stdio: ['ignore', log, log],
        detached: true,
        ...spec.user,
      });
      if (child.pid === undefined) throw new Error(`${spec.name}: could not start ${spec.command}`);
      return new ManagedProcess(spec, child);
    } finally {
      fs.closeSync(log);
    }
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  describeExit(): string {
    const how = this.exit?.signal ? `signal ${this.exit.signal}` : `code ${this.exit?.code}`;
    return `${this.spec.name} exited (${how}); end of ${this.spec.logFile}:\n${logTail(this.spec.logFile)}`;
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.running) return;
    try {
      process.kill(-this.pid, signal);
    } catch {
      // The group is already gone.
    }
  }

  /** Asks politely, then SIGKILLs the group after `graceMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.signal(signal);
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Polls `ready` until it holds; fails at once if the process exits, or after `timeoutMs`. */
  async waitUntil(what: string, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${what}: ${this.describeExit()}`);
      if (await ready().catch(() => false)) return;
      await sleep(200);
    }
    throw new Error(
      `${what}: not within ${timeoutMs / 1000} s; end of ${this.spec.logFile}:\n${logTail(this.spec.logFile)}`,
    );
  }
}

/** Runs a command to completion; a non-zero exit or a time-out throws with the log's end. */
export async function runToCompletion(
  spec: ProcessSpec,
  timeoutMs: number,
  track: (p: ManagedProcess) => void,
): Promise<void> {
  const child = ManagedProcess.start(spec);
  track(child);
  const timer = setTimeout(() => child.signal('SIGKILL'), timeoutMs);
  const { code, signal } = await child.exited;
  clearTimeout(timer);
  if (code !== 0) {
    const reason = signal
      ? `was killed (${signal}; time limit ${timeoutMs / 1000} s)`
      : `failed (code ${code})`;
    throw new Error(
      `${spec.name} ${reason}: ${spec.command} ${spec.args.join(' ')}\n${logTail(spec.logFile)}`,
    );
  }
}
