// `npm run test:fuzz`: schema fuzzing of the live API. Starts the service as `npm start` does, on
// free loopback ports with a temporary data folder, points schemathesis (pinned, installed in a
// virtual environment under the git-ignored .fuzz/) at its GET /openapi.json, and fails when any
// operation answers a 5xx, a status it does not document, or a body that breaks its own schema.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startNpmStart } from './npm-start-service';

const ROOT = path.join(__dirname, '..');
const SCHEMATHESIS_VERSION = '4.32.5';
const VENV = path.join(ROOT, '.fuzz', 'venv');
const ST = path.join(VENV, 'bin', 'st');
/** Bounds of one run: examples per operation, and the whole run's time budget. */
const MAX_EXAMPLES = Number(process.env.FUZZ_MAX_EXAMPLES ?? 20);
const MAX_TIME_SECONDS = Number(process.env.FUZZ_MAX_TIME_SECONDS ?? 300);
const CHECKS = ['not_a_server_error', 'status_code_conformance', 'response_schema_conformance'];

function installSchemathesis(): void {
  const installed = spawnSync(ST, ['--version'], { encoding: 'utf8' });
  if (installed.status === 0 && installed.stdout.includes(SCHEMATHESIS_VERSION)) return;
  console.log(`=== installing schemathesis ${SCHEMATHESIS_VERSION} into ${path.relative(ROOT, VENV)}`);
  const steps = [
    ['python3', ['-m', 'venv', VENV]],
    [path.join(VENV, 'bin', 'pip'), ['install', '--quiet', `schemathesis==${SCHEMATHESIS_VERSION}`]],
  ] as const;
  for (const [command, args] of steps) {
    const result = spawnSync(command, args, { stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed`);
  }
}

function runSchemathesis(api: string, reportDir: string): number {
  const args = [
    'run',
    `${api}/openapi.json`,
    '--checks',
    CHECKS.join(','),
    '--max-examples',
    String(MAX_EXAMPLES),
    '--max-time',
    String(MAX_TIME_SECONDS),
    '--request-timeout',
    '15',
    // One worker: with two, hypothesis describes filter lambdas by parsing their source in both
    // threads at once, and CPython 3.11's parser is not thread-safe ("AST constructor recursion
    // depth mismatch" ended a coverage phase once). The run is bounded by --max-time either way.
    '--workers',
    '1',
    '--seed',
    '1',
    '--no-color',
    '--report',
    'junit',
    '--report-dir',
    reportDir,
  ];
  console.log(`=== st ${args.join(' ')}`);
  // Run inside .fuzz/, where schemathesis keeps its cache.
  const result = spawnSync(ST, args, {
    cwd: path.dirname(VENV),
    stdio: 'inherit',
    timeout: (MAX_TIME_SECONDS + 120) * 1000,
  });
  return result.status ?? 1;
}

async function main(): Promise<number> {
  installSchemathesis();
  const service = await startNpmStart('fuzz');
  let status = 1;
  const started = Date.now();
  try {
    status = runSchemathesis(service.api, path.join(ROOT, 'test-artifacts', 'fuzz'));
    console.log(
      `=== schemathesis finished in ${Math.round((Date.now() - started) / 1000)} s, exit ${status}`,
    );
  } finally {
    await service.stop();
    service.cleanUp(status !== 0);
  }
  return status;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
