// Which Chromium the browser test drives: CHROMIUM_PATH when set, Debian's build when installed,
// else the headless Chromium that the @sparticuz/chromium dev dependency ships inside its npm
// package (unpacked on first use), so `npm install && npm test` needs no system browser.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

export interface ChromiumExecutable {
  path: string;
  source: 'CHROMIUM_PATH' | 'debian' | '@sparticuz/chromium';
}

export async function findChromium(env: NodeJS.ProcessEnv = process.env): Promise<ChromiumExecutable> {
  if (env.CHROMIUM_PATH) return { path: env.CHROMIUM_PATH, source: 'CHROMIUM_PATH' };
  if (fs.existsSync(DEBIAN_CHROMIUM)) return { path: DEBIAN_CHROMIUM, source: 'debian' };
  return { path: await unpackPackagedChromium(), source: '@sparticuz/chromium' };
}

// The package is an ES module, which jest's module runtime cannot load: ask a plain Node process.
async function unpackPackagedChromium(): Promise<string> {
  const script =
    "require('@sparticuz/chromium').default.executablePath().then((p) => process.stdout.write(p))";
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { timeout: 60_000 });
  if (!fs.existsSync(stdout)) throw new Error(`@sparticuz/chromium gave no browser (got "${stdout}")`);
  return stdout;
}
