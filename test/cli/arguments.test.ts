// The command line's own checks, before any request: help everywhere, unknown or extra words
// refused with the command's usage, and allowed values listed. No API is needed: none is reached.
import { closedPort } from '../helpers/ports';
import { cli } from '../helpers/cli';

const COMMANDS = [
  'upload',
  'status',
  'jobs list',
  'cancel',
  'dead-letters list',
  'dead-letters show',
  'dead-letters redrive',
  'dead-letters discard',
];

describe('durable-jobs arguments', () => {
  // Nothing listens here: a command that got past its checks would fail with ECONNREFUSED.
  const deadApi = closedPort().then((port) => `http://127.0.0.1:${port}`);

  it.each([[['help']], [['--help']]])('%j lists every command and exits 0', async (args) => {
    const run = await cli(args);
    expect(run.code).toBe(0);
    for (const command of COMMANDS) expect(run.stdout).toContain(`  ${command} `);
  });

  it('with no command prints usage on stderr and exits 1', async () => {
    const run = await cli([]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Usage: durable-jobs <command>');
  });

  it.concurrent.each(COMMANDS)('"help %s" and its --help describe its options', async (command) => {
    const words = command.split(' ');
    const viaHelp = await cli(['help', ...words]);
    const viaFlag = await cli([...words, '--help', '--api', await deadApi]);
    expect(viaHelp.code).toBe(0);
    expect(viaFlag.code).toBe(0);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
    expect(viaHelp.stdout).toContain(`Usage: durable-jobs ${command}`);
    expect(viaHelp.stdout).toContain('--api URL');
    expect(viaHelp.stdout).toContain('--json');
  });

  it('"dead-letters --help" lists its commands', async () => {
    const run = await cli(['dead-letters', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/dead-letters redrive +start a dead-lettered job again/);
  });

  it.concurrent.each([
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['dead-letters', 'frob'], 'unknown dead-letters command "frob"; one of: list, show, redrive, discard'],
    [['status', 'upload-1', 'extra'], 'unexpected argument "extra"'],
    [['status'], 'missing <jobId>'],
    [['dead-letters', 'show', 'a', 'b'], 'unexpected argument "b"'],
    [['status', 'upload-1', '--nope'], "Unknown option '--nope'"],
    [['upload', 'f.txt', '--watch'], 'upload does not take --watch'],
    [
      ['jobs', 'list', '--state', 'retrying'],
      '--state must be one of scheduled, queued, running, completed, failed, dead_lettered, cancelled; got "retrying"',
    ],
    [['jobs', 'list', '--limit', '0'], '--limit must be a whole number from 1 to 100, got "0"'],
    [['jobs', 'frob'], 'unknown jobs command "frob"; one of: list'],
    [['cancel'], 'missing <jobId>'],
    [
      ['dead-letters', 'list', '--type', 'nope'],
      '--type must be one of processUpload, sendEmail; got "nope"',
    ],
    [
      ['dead-letters', 'list', '--status', 'gone'],
      '--status must be one of pending, redriving, redriven; got "gone"',
    ],
    [['dead-letters', 'list', '--limit', '500'], '--limit must be a whole number from 1 to 100, got "500"'],
    [['dead-letters', 'redrive'], 'missing <id> (or --all)'],
    [['dead-letters', 'redrive', 'dl-1', '--all'], 'give either <id> or --all, not both'],
    [['dead-letters', 'redrive', 'dl-1', '--type', 'sendEmail'], '--type and --limit need --all'],
    [['status', 'upload-1', '--reconnect-for', '5'], '--reconnect-for needs --watch'],
    [
      ['status', 'upload-1', '--watch', '--reconnect-for', 'soon'],
      '--reconnect-for must be a positive number of seconds',
    ],
  ])('%j is refused before any request: %s', async (args, message) => {
    const run = await cli([...args, '--api', await deadApi]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`error: ${message}`);
    expect(run.stderr).not.toContain('ECONNREFUSED');
    expect(run.stdout).toBe('');
  });

  it('names the command whose usage was broken', async () => {
    const run = await cli(['status', 'a', 'b', '--api', await deadApi]);
    expect(run.stderr).toContain('Usage: durable-jobs status <jobId> [options]');
    expect(run.stderr).toContain('More: durable-jobs status --help');
  });

  it('talks to http://localhost:$PORT when neither --api nor DURABLE_JOBS_API is given', async () => {
    const port = new URL(await deadApi).port;
    const env: Record<string, string> = { PORT: port, DURABLE_JOBS_API: '' };
    const run = await cli(['status', 'upload-1'], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot reach the durable-jobs API at http://localhost:${port} (`);
  });
});
