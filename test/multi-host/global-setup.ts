import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { missingVariables, VARIABLES } from './helpers/variables';

const ROOT = path.resolve(__dirname, '..', '..');
const START_TIMEOUT_MS = 5 * 60_000;

declare global {
  var multiHostEnvironment: ChildProcess | undefined;
}

/** Reads the `export NAME=value` lines the environment prints once everything serves. */
function readVariables(child: ChildProcess): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const found: Record<string, string> = {};
    const timer = setTimeout(
      () => reject(new Error('the multi-host environment did not start within 5 minutes')),
      START_TIMEOUT_MS,
    );
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /^export (\w+)=(.*)$/.exec(line);
      if (match) found[match[1]!] = match[2]!;
      if (missingVariables(found).length === 0) {
        clearTimeout(timer);
        lines.close();
        resolve(found);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the multi-host environment failed to start (exit code ${code}); its error is above`));
    });
  });
}

/**
 * Starts the environment in a process of its own (its load balancer must not share an event loop
 * with the tests), unless the variables already point at one started by hand.
 */
export default async function globalSetup(): Promise<void> {
  if (missingVariables().length === 0) {
    process.stderr.write('\n[multi-host] using the environment named by the TEST_* variables\n');
    return;
  }
  process.stderr.write('\n');
  const script = path.join(ROOT, 'scripts', 'multi-host', 'environment.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, '--stop-on-stdin-close'], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  globalThis.multiHostEnvironment = child;
  const variables = await readVariables(child);
  for (const name of VARIABLES) process.env[name] = variables[name];
}
