import { ConfigError, loadConfig } from '../src/config';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      temporalAddress: '127.0.0.1:7233',
      temporalNamespace: 'default',
      temporalPort: 7233,
      temporalUiPort: 8233,
      temporalUiUrl: 'http://localhost:8233',
      // Intake and analysis stream, so memory does not grow with the limit.
      maxUploadBytes: 1024 * 1024 * 1024,
    });
    expect(config.dataDir).toMatch(/data$/);
  });

  it('derives the Temporal address from TEMPORAL_PORT', () => {
    expect(loadConfig({ TEMPORAL_PORT: '7300' }).temporalAddress).toBe('127.0.0.1:7300');
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['TEMPORAL_PORT', '0'],
    ['TEMPORAL_UI_PORT', '-1'],
    ['TEMPORAL_ADDRESS', 'no-port-here'],
    ['TEMPORAL_NAMESPACE', '  '],
    ['DATA_DIR', ''],
    ['LOG_LEVEL', 'loud'],
    ['TEMPORAL_UI_URL', 'ftp://x'],
    ['DATABASE_URL', 'mysql://db.example:3306/jobs'],
    ['DATABASE_URL', 'not a url'],
  ])('rejects %s=%p naming the variable', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(variable);
  });

  it('keeps service state in SQLite under DATA_DIR unless DATABASE_URL is set', () => {
    const embedded = loadConfig({ DATA_DIR: '/srv/jobs' });
    expect(embedded).toMatchObject({ databaseUrl: undefined, databasePath: '/srv/jobs/durable-jobs.sqlite' });

    const shared = loadConfig({
      DATABASE_URL: 'postgres://jobs:pw@db.internal:5432/jobs',
      WEBHOOK_SECRET: 's3cret',
    });
    expect(shared).toMatchObject({
      databaseUrl: 'postgres://jobs:pw@db.internal:5432/jobs',
      webhookSecret: 's3cret',
    });
  });

  it('requires WEBHOOK_SECRET when DATABASE_URL is set, so every host signs webhooks alike', () => {
    const withoutSecret = () => loadConfig({ DATABASE_URL: 'postgresql://db.internal/jobs' });
    expect(withoutSecret).toThrow(ConfigError);
    expect(withoutSecret).toThrow('WEBHOOK_SECRET is required when DATABASE_URL is set');
    expect(loadConfig({}).webhookSecret).toBeUndefined();
  });
});
