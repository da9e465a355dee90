// `npm run check:readme`: runs every `sh` block of the README, in order, as a reader would,
// against a fresh `npm start` on free loopback ports with a temporary data folder, then stops it
// with Ctrl-C's signal and checks that nothing is left running. Any failing command fails the run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startNpmStart } from './npm-start-service';
import { readmeBlocks } from './readme-blocks';

const ROOT = path.join(__dirname, '..');
const BLOCK_TIMEOUT_MS = 180_000;

async function main(): Promise<number> {
  const blocks = readmeBlocks().filter((block) => block.language === 'sh');
  if (blocks.length === 0) throw new Error('the README has no sh block to run');
  const service = await startNpmStart('readme');
  let failures = 0;
  try {
    for (const [index, block] of blocks.entries()) {
      console.log(
        `\n=== README block ${index + 1}/${blocks.length} (section "${block.section}")\n${block.code}---`,
      );
      const result = spawnSync('bash', ['-euo', 'pipefail', '-c', block.code], {
        cwd: ROOT,
        env: service.env,
        stdio: 'inherit',
        timeout: BLOCK_TIMEOUT_MS,
      });
      if (result.status !== 0) {
        failures += 1;
        console.error(`=== block ${index + 1} FAILED (exit ${result.status ?? result.signal})`);
      }
    }
  } finally {
    if (!(await service.stop())) {
      failures += 1;
      console.error('=== npm start left processes running 30 s after Ctrl-C; they were killed');
    }
    service.cleanUp(failures > 0);
    // The walk-through's sample file, should a failing block have left it.
    fs.rmSync(path.join(ROOT, 'report.txt'), { force: true });
  }
  console.log(
    `\n=== README: ${blocks.length - failures}/${blocks.length} blocks ran, ${failures} failure(s)`,
  );
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
