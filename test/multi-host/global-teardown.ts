const STOP_TIMEOUT_MS = 60_000;

/** Closing its standard input stops the environment; it exits once everything it started is gone. */
export default async function globalTeardown(): Promise<void> {
  const child = globalThis.multiHostEnvironment;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.stdin?.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
