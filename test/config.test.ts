import { ConfigError, loadConfig } from '../src/config';
import { workerLimitOptions } from '../src/worker';

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
    ['FILE_RETENTION', 'a week'],
    ['FILE_RETENTION', '0'],
    ['FILE_ORPHAN_RETENTION', '-1d'],
    ['DEAD_LETTER_REDACT_AFTER', '30 days'],
    ['RETENTION_SWEEP_INTERVAL', '1.5h'],
    ['WORKER_SHUTDOWN_GRACE', 'soon'],
    ['WORKER_SHUTDOWN_GRACE', '0'],
  ])('rejects %s=%p naming the variable', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(variable);
  });

  describe('retention', () => {
    it('keeps files 7 days after their job, orphans 1 day, dead-letter inputs 30 days, sweeping hourly', () => {
      expect(loadConfig({})).toMatchObject({
        fileRetentionMs: 7 * 86_400_000,
        fileOrphanRetentionMs: 86_400_000,
        deadLetterRedactAfterMs: 30 * 86_400_000,
        retentionSweepIntervalMs: 3_600_000,
      });
    });

    it('reads durations with a unit or in seconds', () => {
      expect(
        loadConfig({
          FILE_RETENTION: '12h',
          FILE_ORPHAN_RETENTION: '30m',
          DEAD_LETTER_REDACT_AFTER: '86400',
          RETENTION_SWEEP_INTERVAL: '5m',
        }),
      ).toMatchObject({
        fileRetentionMs: 12 * 3_600_000,
        fileOrphanRetentionMs: 30 * 60_000,
        deadLetterRedactAfterMs: 86_400_000,
        retentionSweepIntervalMs: 5 * 60_000,
      });
    });
  });

  describe('worker shutdown (WORKER_SHUTDOWN_GRACE)', () => {
    it('lets running steps finish for 20 s by default, or the duration given', () => {
      expect(loadConfig({}).workerShutdownGraceMs).toBe(20_000);
      expect(loadConfig({ WORKER_SHUTDOWN_GRACE: '2m' }).workerShutdownGraceMs).toBe(120_000);
      expect(loadConfig({ WORKER_SHUTDOWN_GRACE: '45' }).workerShutdownGraceMs).toBe(45_000);
    });
  });

  describe('worker limits (WORKER_MAX_*) and SMTP connections', () => {
    it('bounds what one worker holds by default, and reads the variables', () => {
      expect(loadConfig({}).workerLimits).toEqual({
        maxCachedWorkflows: 250,
        maxConcurrentActivities: 20,
        maxConcurrentWorkflowTasks: 10,
      });
      expect(loadConfig({}).smtpMaxConnections).toBe(5);
      const config = loadConfig({
        WORKER_MAX_CACHED_WORKFLOWS: '40',
        WORKER_MAX_CONCURRENT_ACTIVITIES: '8',
        WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '4',
        SMTP_MAX_CONNECTIONS: '2',
      });
      expect(config.workerLimits).toEqual({
        maxCachedWorkflows: 40,
        maxConcurrentActivities: 8,
        maxConcurrentWorkflowTasks: 4,
      });
      expect(config.smtpMaxConnections).toBe(2);
    });

    it.each([
      [{ WORKER_MAX_CACHED_WORKFLOWS: 'lots' }, 'WORKER_MAX_CACHED_WORKFLOWS'],
      [{ WORKER_MAX_CACHED_WORKFLOWS: '1' }, 'WORKER_MAX_CACHED_WORKFLOWS'],
      [{ WORKER_MAX_CONCURRENT_ACTIVITIES: '0' }, 'WORKER_MAX_CONCURRENT_ACTIVITIES'],
      [{ WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '1' }, 'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS'],
      [
        { WORKER_MAX_CACHED_WORKFLOWS: '10', WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '11' },
        'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS',
      ],
      [{ SMTP_MAX_CONNECTIONS: '-3' }, 'SMTP_MAX_CONNECTIONS'],
    ])('refuses %p naming %s', (env, variable) => {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(variable);
    });

    it('hands the limits to the worker as the SDK names them', () => {
      expect(workerLimitOptions(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '30' }).workerLimits)).toEqual({
        maxCachedWorkflows: 30,
        maxConcurrentActivityTaskExecutions: 20,
        maxConcurrentWorkflowTaskExecutions: 10,
      });
    });
  });

  describe('object store (S3_BUCKET)', () => {
    it('keeps files on local disk when S3_BUCKET is not set', () => {
      expect(loadConfig({}).objectStore).toBeUndefined();
    });

    it('reads the bucket, endpoint, keys, prefix and region', () => {
      const config = loadConfig({
        S3_BUCKET: 'uploads',
        S3_ENDPOINT: 'http://127.0.0.1:7070',
        AWS_ACCESS_KEY_ID: 'key',
        AWS_SECRET_ACCESS_KEY: 'secret',
        S3_PREFIX: 'durable-jobs/',
        AWS_REGION: 'eu-west-1',
      });
      expect(config.objectStore).toEqual({
        bucket: 'uploads',
        endpoint: 'http://127.0.0.1:7070',
        region: 'eu-west-1',
        credentials: { accessKeyId: 'key', secretAccessKey: 'secret' },
        prefix: 'durable-jobs/',
      });
    });

    it('defaults the region to us-east-1 and leaves credentials to the SDK when no keys are given', () => {
      expect(loadConfig({ S3_BUCKET: 'uploads' }).objectStore).toEqual({
        bucket: 'uploads',
        endpoint: undefined,
        region: 'us-east-1',
        credentials: undefined,
        prefix: '',
      });
    });

    it.each([
      ['S3_BUCKET', { S3_BUCKET: 'Not_A_Bucket' }],
      ['S3_BUCKET', { S3_ENDPOINT: 'http://127.0.0.1:7070' }],
      ['S3_BUCKET', { S3_PREFIX: 'uploads/' }],
      ['S3_ENDPOINT', { S3_BUCKET: 'uploads', S3_ENDPOINT: '127.0.0.1:7070' }],
      ['S3_PREFIX', { S3_BUCKET: 'uploads', S3_PREFIX: '/uploads/' }],
      ['AWS_SECRET_ACCESS_KEY', { S3_BUCKET: 'uploads', AWS_ACCESS_KEY_ID: 'key' }],
      ['AWS_ACCESS_KEY_ID', { S3_BUCKET: 'uploads', AWS_SECRET_ACCESS_KEY: 'secret' }],
      ['AWS_REGION', { S3_BUCKET: 'uploads', AWS_REGION: 'Mars 1' }],
    ])('rejects a bad %s naming it', (variable, env) => {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(`Invalid configuration: ${variable} `);
    });
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

  it('reads WEBHOOK_ALLOWED_HOSTS as exact host:port pairs, normalised like a URL host', () => {
    expect(loadConfig({}).webhookAllowedHosts).toEqual([]);
    expect(
      loadConfig({ WEBHOOK_ALLOWED_HOSTS: ' 127.0.0.1:4000, LOCALHOST:80,[::1]:8443,hooks.internal:443 ' })
        .webhookAllowedHosts,
    ).toEqual(['127.0.0.1:4000', 'localhost:80', '[::1]:8443', 'hooks.internal:443']);
  });

  it.each([
    '127.0.0.1',
    'localhost:',
    'http://localhost:80',
    'localhost:80/path',
    'a:b:80',
    'localhost:0',
    'localhost:70000',
    '*.example.com:443',
    'user@host:80',
  ])('refuses WEBHOOK_ALLOWED_HOSTS=%j, naming the variable', (value) => {
    expect(() => loadConfig({ WEBHOOK_ALLOWED_HOSTS: value })).toThrow(
      /^Invalid configuration: WEBHOOK_ALLOWED_HOSTS must be a comma-separated list of host:port/,
    );
  });
});
