// Child processes of the bench: each in its own process group, so stopping one stops whatever it
// started too, and read for their resident memory.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { onAbnormalExit } from './cleanups';

export interface Child {
  name: string;
  pid: number;
  /** The last lines it wrote, to say why it failed. */
  outputTail(): string;
  /** Its exit code, or null when a signal ended it. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 15_000;

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // The group is gone already.
  }
}

const TAIL_LINES = 20;

/** Keeps the last lines of the child's output; passes all of it on when BENCH_VERBOSE is set. */
function keepTail(child: ChildProcess): () => string {
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    if (process.env.BENCH_VERBOSE) process.stderr.write(chunk);
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - TAIL_LINES));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => lines.join('\n');
}

export function spawnChild(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): Child {
  const child = spawn(command, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  const outputTail = keepTail(child);
  const forget = onAbnormalExit(() => signalGroup(child, 'SIGKILL'));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      forget();
      resolve(code);
    }),
  );
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    signalGroup(child, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
    // Whatever it left behind in its group.
    signalGroup(child, 'SIGKILL');
  };
  return { name, pid: child.pid, outputTail, exited, stop };
}

/** A TypeScript entry point run by this Node with tsx loaded: one process, whose memory is its own. */
export function spawnTsx(
  name: string,
  script: string,
  env: NodeJS.ProcessEnv,
  nodeFlags: readonly string[] = [],
): Child {
  return spawnChild(name, process.execPath, [...nodeFlags, '--import', 'tsx', script], env);
}

/**
 * The Node flags a package script gives its entry point (`tsx --max-old-space-size=192 src/worker.ts`),
 * so that the bench runs a process exactly as `npm run <script>` does.
 */
export function npmScriptNodeFlags(script: string): string[] {
  const packageJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
  const command: string | undefined = packageJson.scripts?.[script];
  if (!command?.startsWith('tsx ')) throw new Error(`package script '${script}' is not a tsx command`);
  return command.split(/\s+/).filter((word) => word.startsWith('--'));
}

/** Resident memory of a process, from /proc (Linux). */
export function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!kb) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb[1]) / 1024;
}

/** Polls `ready` until it says yes, failing when the child exits first or `timeoutMs` passes. */
export async function waitUntil(
  child: Child,
  what: string,
  ready: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  let exitCode: number | null | undefined;
  void child.exited.then((code) => (exitCode = code));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(`${child.name} exited (${exitCode}) before ${what}:\n${child.outputTail()}`);
    }
    if (await ready().catch(() => false)) return;
    await sleep(200);
  }
  throw new Error(`${child.name}: no ${what} within ${timeoutMs} ms:\n${child.outputTail()}`);
}
