import crypto from 'node:crypto';
import { loadConfig } from '../../src/config';
import { devServerArgs, uiCodecEndpoint } from '../../src/temporal/dev-server';

describe("npm start's Temporal dev server", () => {
  it('points its Web UI at the API codec endpoint when payloads are encrypted', () => {
    const config = loadConfig({
      PORT: '3100',
      PAYLOAD_ENCRYPTION_KEYS: `k1:${crypto.randomBytes(32).toString('base64')}`,
    });
    const args = devServerArgs(config);
    expect(uiCodecEndpoint(config)).toBe('http://localhost:3100/codec');
    expect(args[args.indexOf('--ui-codec-endpoint') + 1]).toBe('http://localhost:3100/codec');
  });

  it('keeps its state in DATA_DIR/temporal.sqlite, in WAL mode with synchronous=normal', () => {
    const config = loadConfig({ DATA_DIR: '/tmp/durable-jobs-args' });
    const args = devServerArgs(config);
    expect(args[args.indexOf('--db-filename') + 1]).toBe('/tmp/durable-jobs-args/temporal.sqlite');
    const pragmas = args.flatMap((arg, index) => (args[index - 1] === '--sqlite-pragma' ? [arg] : []));
    expect(pragmas).toEqual(['journal_mode=wal', 'synchronous=normal']);
  });

  it('takes other SQLite settings only when given them', () => {
    const args = devServerArgs(loadConfig({}), []);
    expect(args).not.toContain('--sqlite-pragma');
    expect(args).toContain('--db-filename');
  });

  it('has no codec endpoint without encryption (npm start as before)', () => {
    expect(devServerArgs(loadConfig({}))).not.toContain('--ui-codec-endpoint');
  });
});
