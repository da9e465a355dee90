// `npm run setup:spikard`: puts the Spikard binding (HTTP_SERVER=spikard) into node_modules where
// `npm install` leaves it out. It is an optional dependency whose package asks for Node >= 22, and
// npm skips an optional package whose engines exclude the running Node; the binding itself loads
// on Node 20. Linux x64 (glibc) only: no other build is published. With `--optional` (npm's
// postinstall) a platform without a build, or a failure, is reported and is not an error.
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const NAME = '@spikard/node-linux-x64-gnu';
const VERSION = require('../package.json').optionalDependencies[NAME];
const TARGET = path.join(__dirname, '..', 'node_modules', ...NAME.split('/'));

const say = (message) => process.stdout.write(`[setup-spikard] ${message}\n`);

function installed() {
  try {
    return JSON.parse(fs.readFileSync(path.join(TARGET, 'package.json'), 'utf8')).version === VERSION;
  } catch {
    return false;
  }
}

function main() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`${NAME} is published for linux-x64 only; this is ${process.platform}-${process.arch}`);
  }
  if (installed()) return say(`${NAME}@${VERSION} is already in node_modules`);
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'spikard-'));
  try {
    const tarball = execFileSync(
      'npm',
      ['pack', '--loglevel=error', `${NAME}@${VERSION}`, '--pack-destination', folder],
      {
        encoding: 'utf8',
      },
    )
      .trim()
      .split('\n')
      .pop();
    fs.rmSync(TARGET, { recursive: true, force: true });
    fs.mkdirSync(TARGET, { recursive: true });
    execFileSync('tar', ['-xzf', path.join(folder, tarball), '-C', TARGET, '--strip-components=1']);
    say(`${NAME}@${VERSION} installed in node_modules`);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  const optional = process.argv.includes('--optional');
  process.stderr.write(`[setup-spikard] ${optional ? 'skipped' : 'ERROR'}: ${error.message}\n`);
  if (!optional) process.exit(1);
}
