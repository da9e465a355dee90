// Follows the README's "Add your own job type" walk-through to the letter, in a copy of the
// project: its new files are written, its diffs applied with `git apply`, then the copy must
// typecheck and the walk-through's own test must pass. A README that drifts from the code fails.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { readmeBlocks } from '../../scripts/readme-blocks';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');
const SECTION = 'Add your own job type';
const COPIED = ['src', 'scripts', 'bin', 'test/helpers', 'tsconfig.json', 'package.json', 'jest.config.js'];
const LINKED = ['node_modules', '.temporal'];

jest.setTimeout(240_000);

/** A file block starts with a comment naming its path: `// src/workflows/greet.ts`. */
function fileBlockPath(code: string): string | undefined {
  return /^\/\/ ((?:src|test)\/[\w./-]+\.ts)\n/.exec(code)?.[1];
}

describe('README: add your own job type', () => {
  const blocks = readmeBlocks().filter((block) => block.section === SECTION);
  let copy: string;

  beforeAll(() => {
    copy = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-walkthrough-'));
    for (const entry of COPIED)
      fs.cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
    for (const entry of LINKED) fs.symlinkSync(path.join(ROOT, entry), path.join(copy, entry));
  });

  afterAll(() => {
    if (copy) fs.rmSync(copy, { recursive: true, force: true });
  });

  it('has new files and diffs to follow, and a test among them', () => {
    const files = blocks.map((block) => fileBlockPath(block.code)).filter(Boolean);
    expect(files.some((file) => file!.startsWith('src/workflows/'))).toBe(true);
    expect(files.some((file) => file!.startsWith('src/activities/'))).toBe(true);
    expect(files.some((file) => file!.startsWith('src/api/routes/'))).toBe(true);
    expect(files.some((file) => file!.endsWith('.test.ts'))).toBe(true);
    expect(blocks.filter((block) => block.language === 'diff').length).toBeGreaterThanOrEqual(4);
  });

  it('applies, typechecks, and its test passes', async () => {
    let testFile: string | undefined;
    for (const block of blocks) {
      if (block.language === 'diff') {
        const patch = path.join(copy, 'walkthrough.patch');
        fs.writeFileSync(patch, block.code);
        await run('git', ['apply', '--recount', '--whitespace=nowarn', patch], { cwd: copy });
        fs.rmSync(patch);
        continue;
      }
      const file = fileBlockPath(block.code);
      if (block.language !== 'ts' || !file) continue;
      fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
      fs.writeFileSync(path.join(copy, file), block.code, { flag: 'wx' });
      if (file.endsWith('.test.ts')) testFile = file;
    }

    await run(path.join(copy, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', copy], { cwd: copy });
    const jest = await run(
      path.join(copy, 'node_modules', '.bin', 'jest'),
      ['--rootDir', copy, '--ci', testFile!],
      {
        cwd: copy,
        env: { ...process.env, CI: 'true' },
      },
    );
    expect(jest.stderr).toMatch(/Tests: +\d+ passed, \d+ total/);
    expect(jest.stderr).not.toMatch(/failed|skipped|todo/);
  });
});
