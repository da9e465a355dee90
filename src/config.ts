import { parseJobRateLimits, type JobRateLimits } from './jobs/rate-limits';
import fs from 'node:fs';
import path from 'node:path';
import type { S3Settings } from './files/s3-blob-store';
import type { TLSConfig } from '@temporalio/client';
import { loadClientConfigProfile, toClientOptions, type ClientConfigProfile } from '@temporalio/envconfig';
import type { EncryptionKey } from './temporal/payload-codec';
import { readEncryptionKeys } from './temporal/encryption-config';
import { parseDuration } from './duration';
import { hasUrlProtocol, isHttpUrl } from './urls';
import type { AuthSettings } from './auth/tokens';
import { readAuth } from './auth/token-config';
import { ConfigError, readOptional, type Env } from './config-error';

export { ConfigError } from './config-error';
export { requireApiAuth } from './auth/token-config';

/**
 * Every environment variable the service reads (besides `TEMPORAL_GRPC_META_*`). Deployment files
 * are checked against this list; add a variable here when `loadConfig` starts reading it.
 */
export const CONFIG_VARIABLES = [
  'HOST',
  'PORT',
  // Which HTTP server mounts the routes: fastify (default) or spikard (Linux x64 only).
  'HTTP_SERVER',
  'DATA_DIR',
  'DATABASE_PATH',
  'LOG_LEVEL',
  'MAX_UPLOAD_BYTES',
  'WEBHOOK_SECRET',
  'WEBHOOK_ALLOWED_HOSTS',
  'DEAD_LETTER_MAX_ENTRIES',
  'DEAD_LETTER_MAX_AGE_DAYS',
  'DEAD_LETTER_REDACT_AFTER',
  'FILE_RETENTION',
  'FILE_ORPHAN_RETENTION',
  'RETENTION_SWEEP_INTERVAL',
  'IDEMPOTENCY_KEY_RETENTION',
  'SMTP_URL',
  'SMTP_MAX_CONNECTIONS',
  'DEV_SMTP_PORT',
  'MAIL_FROM',
  'WORKER_METRICS_ADDRESS',
  'WORKER_SHUTDOWN_GRACE',
  // What one worker holds at once: its memory is bounded by these.
  'WORKER_MAX_CACHED_WORKFLOWS',
  'WORKER_MAX_CONCURRENT_ACTIVITIES',
  'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS',
  'TEMPORAL_PORT',
  'TEMPORAL_UI_PORT',
  'TEMPORAL_UI_URL',
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'TEMPORAL_API_KEY',
  'TEMPORAL_TLS',
  'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
  'TEMPORAL_TLS_SERVER_CA_CERT_DATA',
  'TEMPORAL_TLS_CLIENT_CERT_PATH',
  'TEMPORAL_TLS_CLIENT_CERT_DATA',
  'TEMPORAL_TLS_CLIENT_KEY_PATH',
  'TEMPORAL_TLS_CLIENT_KEY_DATA',
  'TEMPORAL_TLS_SERVER_NAME',
  'TEMPORAL_CONFIG_FILE',
  'TEMPORAL_PROFILE',
  // Multi-host storage: PostgreSQL for state, an S3 bucket for uploaded files.
  'DATABASE_URL',
  'S3_BUCKET',
  'S3_ENDPOINT',
  'S3_PREFIX',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_REGION',
  // Temporal payload encryption: `keyId:base64(32 bytes)`, comma-separated, the first encrypting.
  'PAYLOAD_ENCRYPTION_KEYS',
  // Who may call the API, and where links in e-mail may point.
  'API_TOKENS',
  'METRICS_TOKEN',
  'AUTH',
  'APP_URL',
  // Per job type, steps each worker may start: sendEmail:10/s,processUpload:30/m.
  'JOB_RATE_LIMITS',
] as const;

/** Extra gRPC headers for Temporal: `TEMPORAL_GRPC_META_X_TENANT=a` sends `x-tenant: a`. */
export const TEMPORAL_GRPC_META_PREFIX = 'TEMPORAL_GRPC_META_';

/** How to reach Temporal beyond its address: TLS (mTLS), API key, extra gRPC headers. */
export interface TemporalConnectionSecurity {
  /** `true`: TLS with the system's CAs; an object: custom CA, client certificate, server name. */
  tls?: TLSConfig | boolean;
  apiKey?: string;
  metadata?: Record<string, string>;
}

export const HTTP_SERVERS = ['fastify', 'spikard'] as const;
export type HttpServerKind = (typeof HTTP_SERVERS)[number];

export interface Config {
  /** The HTTP server that mounts the route table (HTTP_SERVER). */
  httpServer: HttpServerKind;
  /** Steps per second each worker may start, per job type (JOB_RATE_LIMITS); absent types are unlimited. */
  jobRateLimits: JobRateLimits;
  host: string;
  port: number;
  temporalAddress: string;
  temporalNamespace: string;
  temporalConnection: TemporalConnectionSecurity;
  temporalPort: number;
  temporalUiPort: number;
  temporalUiUrl: string;
  dataDir: string;
  /** Set: PostgreSQL holds all service state and `databasePath` is unused. */
  databaseUrl: string | undefined;
  databasePath: string;
  logLevel: LogLevel;
  maxUploadBytes: number;
  webhookSecret: string | undefined;
  /**
   * `host:port` pairs (normalised as a URL's host) that webhooks may reach although their address
   * is not public, and over plain http: exact matches, the exceptions to the outbound policy.
   */
  webhookAllowedHosts: string[];
  deadLetterMaxEntries: number;
  deadLetterMaxAgeDays: number;
  /** How long after its failure a dead letter keeps its input's personal fields, in ms. */
  deadLetterRedactAfterMs: number;
  /** How long an uploaded file outlives the last job that used it, in ms. */
  fileRetentionMs: number;
  /** How long an uploaded file that no job used is kept, in ms. */
  fileOrphanRetentionMs: number;
  /** How often the retention sweep runs, in ms. */
  retentionSweepIntervalMs: number;
  /** How long after its first use an idempotency key is remembered, in ms; then it is new again. */
  idempotencyKeyRetentionMs: number;
  /** Where e-mail is sent; undefined means the embedded capturing server on `devSmtpPort`. */
  smtpUrl: string | undefined;
  /** Connections the worker keeps open to the SMTP server and reuses, at most. */
  smtpMaxConnections: number;
  devSmtpPort: number;
  mailFrom: string;
  /** How long a stopping worker lets running attempts finish before it interrupts them, in ms. */
  workerShutdownGraceMs: number;
  /** What one worker holds at once; see `workerLimits`. */
  workerLimits: WorkerLimits;
  /** host:port of the worker's Temporal SDK Prometheus exporter; /metrics appends its series. */
  workerMetricsAddress: string | undefined;
  /** Uploaded files in this S3 bucket; undefined keeps them under `$DATA_DIR/files`. */
  objectStore: S3Settings | undefined;
  /** Empty: payloads go to Temporal in clear. Else the first key encrypts, all of them decrypt. */
  payloadEncryptionKeys: EncryptionKey[];
  /** Bearer tokens and their scopes, or open mode. */
  auth: AuthSettings;
  /** The application's origin; URL parameters of e-mail templates must point to it. */
  appUrl: string;
}

export interface WorkerLimits {
  /** Running workflows kept in memory between their tasks (the sticky cache). */
  maxCachedWorkflows: number;
  /** Steps (activity attempts) running at once. */
  maxConcurrentActivities: number;
  /** Workflow tasks processed at once; never more than the cache holds. */
  maxConcurrentWorkflowTasks: number;
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

function readPort(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError(name, `must be a port number between 1 and 65535, got "${raw}"`);
  }
  return port;
}

function readString(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined) return fallback;
  if (raw.trim() === '') throw new ConfigError(name, 'must not be empty');
  return raw.trim();
}

function readPositiveInteger(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ConfigError(name, `must be a positive whole number, got "${raw}"`);
  }
  return value;
}

function readWorkerLimits(env: Env): WorkerLimits {
  const maxCachedWorkflows = readPositiveInteger(env, 'WORKER_MAX_CACHED_WORKFLOWS', 250);
  const maxConcurrentWorkflowTasks = readPositiveInteger(env, 'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS', 10);
  if (maxCachedWorkflows < 2) throw new ConfigError('WORKER_MAX_CACHED_WORKFLOWS', 'must be at least 2');
  if (maxConcurrentWorkflowTasks < 2 || maxConcurrentWorkflowTasks > maxCachedWorkflows) {
    throw new ConfigError(
      'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS',
      `must be between 2 and WORKER_MAX_CACHED_WORKFLOWS (${maxCachedWorkflows}), got ${maxConcurrentWorkflowTasks}`,
    );
  }
  return {
    maxCachedWorkflows,
    maxConcurrentActivities: readPositiveInteger(env, 'WORKER_MAX_CONCURRENT_ACTIVITIES', 20),
    maxConcurrentWorkflowTasks,
  };
}

function readDuration(env: Env, name: string, fallback: string): number {
  const value = readString(env, name, fallback);
  const ms = parseDuration(value);
  if (ms === undefined || ms < 1_000) {
    throw new ConfigError(
      name,
      `must be a duration such as 7d, 12h, 30m or a number of seconds, got "${value}"`,
    );
  }
  return ms;
}

function readHostPort(env: Env, name: string, fallback: string): string {
  const value = readString(env, name, fallback);
  if (!/^[^\s:/]+:\d{1,5}$/.test(value) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(value)) {
    throw new ConfigError(name, `must look like host:port, got "${value}"`);
  }
  return value;
}

function readUrl(env: Env, name: string, fallback: string): string {
  const value = readString(env, name, fallback);
  if (!isHttpUrl(value)) throw new ConfigError(name, `must be an http(s) URL, got "${value}"`);
  return value.replace(/\/+$/, '');
}

function readEnum<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = readString(env, name, fallback);
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${value}"`);
  }
  return value as T;
}

function readSmtpUrl(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = raw.trim();
  if (!isSmtpUrl(value)) {
    throw new ConfigError(name, 'must be an smtp:// or smtps:// URL such as smtp://user:pass@host:587');
  }
  return value;
}

function isSmtpUrl(value: string): boolean {
  return hasUrlProtocol(value, ['smtp:', 'smtps:']) && new URL(value).hostname !== '';
}

const EMAIL_ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;

function readMailFrom(env: Env, name: string, fallback: string): string {
  const value = readString(env, name, fallback);
  // Either a bare address or `Name <address>`.
  const address = /<([^<>]+)>\s*$/.exec(value)?.[1] ?? value;
  if (!EMAIL_ADDRESS.test(address)) {
    throw new ConfigError(name, `must be an e-mail address or "Name <address>", got "${value}"`);
  }
  return value;
}

// S3's bucket naming rules, less the rarely used dotted names that resemble IP addresses.
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const KEY_PREFIX = /^[A-Za-z0-9!_.*'()-][A-Za-z0-9!_.*'()/-]*$/;

function readCredentials(env: Env): S3Settings['credentials'] {
  const accessKeyId = readOptional(env, 'AWS_ACCESS_KEY_ID');
  const secretAccessKey = readOptional(env, 'AWS_SECRET_ACCESS_KEY');
  if (accessKeyId && !secretAccessKey)
    throw new ConfigError('AWS_SECRET_ACCESS_KEY', 'must be set with AWS_ACCESS_KEY_ID');
  if (secretAccessKey && !accessKeyId)
    throw new ConfigError('AWS_ACCESS_KEY_ID', 'must be set with AWS_SECRET_ACCESS_KEY');
  return accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined;
}

function readObjectStore(env: Env): S3Settings | undefined {
  const bucket = readOptional(env, 'S3_BUCKET');
  const endpoint = readOptional(env, 'S3_ENDPOINT');
  const prefix = readOptional(env, 'S3_PREFIX') ?? '';
  if (!bucket) {
    const orphan = endpoint ? 'S3_ENDPOINT' : prefix ? 'S3_PREFIX' : undefined;
    if (orphan) throw new ConfigError('S3_BUCKET', `must be set when ${orphan} is set`);
    return undefined;
  }
  if (!BUCKET_NAME.test(bucket)) {
    throw new ConfigError(
      'S3_BUCKET',
      `must be a bucket name (3-63 of a-z, 0-9, "." and "-"), got "${bucket}"`,
    );
  }
  if (endpoint !== undefined && !isHttpUrl(endpoint)) {
    throw new ConfigError('S3_ENDPOINT', `must be an http(s) URL, got "${endpoint}"`);
  }
  if (prefix && !KEY_PREFIX.test(prefix)) {
    throw new ConfigError(
      'S3_PREFIX',
      `must be an object key prefix such as "uploads/" (not starting with "/"), got "${prefix}"`,
    );
  }
  const region = readString(env, 'AWS_REGION', 'us-east-1');
  if (!/^[a-z0-9-]+$/.test(region))
    throw new ConfigError('AWS_REGION', `must be a region name such as us-east-1, got "${region}"`);
  return { bucket, endpoint, region, credentials: readCredentials(env), prefix };
}

const TEMPORAL_TLS_FILE_VARIABLES = [
  'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
  'TEMPORAL_TLS_CLIENT_CERT_PATH',
  'TEMPORAL_TLS_CLIENT_KEY_PATH',
] as const;

/** The variables handed to `@temporalio/envconfig`; empty ones count as unset. */
function temporalEnvironment(env: Env): Record<string, string> {
  const passed: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const ours = name.startsWith('TEMPORAL_') || ['HOME', 'XDG_CONFIG_HOME', 'APPDATA'].includes(name);
    if (ours && value !== undefined && value.trim() !== '') passed[name] = value.trim();
  }
  return passed;
}

function readBoolean(env: Env, name: string): void {
  const raw = env[name];
  if (raw !== undefined && raw !== '' && !['true', 'false', '1', '0'].includes(raw.trim())) {
    throw new ConfigError(name, `must be true or false, got "${raw}"`);
  }
}

/**
 * The profile file is read only when TEMPORAL_CONFIG_FILE or TEMPORAL_PROFILE asks for it, so
 * that a personal ~/.config/temporalio/temporal.toml never redirects `npm start`.
 */
function readTemporalProfile(env: Env): ClientConfigProfile {
  const file = env.TEMPORAL_CONFIG_FILE?.trim() || undefined;
  const profileName = env.TEMPORAL_PROFILE?.trim() || undefined;
  if (file !== undefined && !fs.existsSync(file)) {
    throw new ConfigError('TEMPORAL_CONFIG_FILE', `points to "${file}", which does not exist`);
  }
  readBoolean(env, 'TEMPORAL_TLS');
  for (const name of TEMPORAL_TLS_FILE_VARIABLES) {
    const value = env[name]?.trim();
    if (value && !fs.existsSync(value))
      throw new ConfigError(name, `points to "${value}", which does not exist`);
  }
  try {
    return loadClientConfigProfile({
      disableFile: file === undefined && profileName === undefined,
      overrideEnvVars: temporalEnvironment(env),
    });
  } catch (error) {
    const message = (error as Error).message;
    const variable =
      profileName !== undefined && /^Profile '/.test(message) ? 'TEMPORAL_PROFILE' : 'TEMPORAL_CONFIG_FILE';
    throw new ConfigError(variable, `could not be used: ${message}`);
  }
}

function readTemporalSecurity(profile: ClientConfigProfile): TemporalConnectionSecurity {
  const hasCert = profile.tls?.clientCert !== undefined;
  if (hasCert !== (profile.tls?.clientKey !== undefined)) {
    const missing = hasCert ? 'TEMPORAL_TLS_CLIENT_KEY_PATH' : 'TEMPORAL_TLS_CLIENT_CERT_PATH';
    throw new ConfigError(missing, 'must be set too: a client certificate needs its key (or _DATA)');
  }
  let tls: TemporalConnectionSecurity['tls'];
  try {
    // Also turns TLS on when an API key is given and TLS was not switched off.
    tls = toClientOptions(profile).connectionOptions.tls ?? undefined;
  } catch (error) {
    throw new ConfigError(
      'TEMPORAL_CONFIG_FILE',
      `names a TLS file that cannot be read: ${(error as Error).message}`,
    );
  }
  const metadata = profile.grpcMeta;
  return {
    ...(tls !== undefined ? { tls } : {}),
    ...(profile.apiKey !== undefined ? { apiKey: profile.apiKey } : {}),
    ...(metadata && Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}

function readDatabaseUrl(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = raw.trim();
  if (!hasUrlProtocol(value, ['postgres:', 'postgresql:']) || new URL(value).hostname === '') {
    throw new ConfigError(name, 'must be a postgres:// URL such as postgres://user:pass@host:5432/db');
  }
  return value;
}

/** Hosts sharing a database must sign webhooks alike, so none may invent its own secret. */
function readWebhookSecret(env: Env, databaseUrl: string | undefined): string | undefined {
  if (env.WEBHOOK_SECRET !== undefined) return readString(env, 'WEBHOOK_SECRET', '');
  if (databaseUrl) throw new ConfigError('WEBHOOK_SECRET', 'is required when DATABASE_URL is set');
  return undefined;
}

/** One `host:port` of WEBHOOK_ALLOWED_HOSTS, as the URL parser writes it (`LOCALHOST:80` → `localhost:80`). */
function allowedHost(entry: string): string | undefined {
  // Names, IPv4 and bracketed IPv6 only: no wildcard, user, path or scheme.
  if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(entry)) return undefined;
  try {
    const url = new URL(`http://${entry}`);
    const port = Number(entry.slice(entry.lastIndexOf(':') + 1));
    return port >= 1 && port <= 65535 ? `${url.hostname}:${port}` : undefined;
  } catch {
    return undefined;
  }
}

function readAllowedHosts(env: Env, name: string): string[] {
  const entries = (env[name] ?? '').split(',').map((entry) => entry.trim());
  return entries
    .filter((entry) => entry !== '')
    .map((entry) => {
      const host = allowedHost(entry);
      if (!host) throw new ConfigError(name, `must be a comma-separated list of host:port, got "${entry}"`);
      return host;
    });
}

function readAppUrl(env: Env, port: number): string {
  const value = readUrl(env, 'APP_URL', `http://localhost:${port}`);
  const url = new URL(value);
  if (url.username || url.password)
    throw new ConfigError('APP_URL', 'must not carry a user name or password');
  return url.origin;
}

function readJobRateLimits(env: Env, name: string): JobRateLimits {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return {};
  const limits = parseJobRateLimits(raw);
  if (typeof limits === 'string') throw new ConfigError(name, limits);
  return limits;
}

export function loadConfig(env: Env = process.env): Config {
  const temporalPort = readPort(env, 'TEMPORAL_PORT', 7233);
  const temporalUiPort = readPort(env, 'TEMPORAL_UI_PORT', 8233);
  const dataDir = path.resolve(readString(env, 'DATA_DIR', 'data'));
  const temporalProfile = readTemporalProfile(env);
  const databaseUrl = readDatabaseUrl(env, 'DATABASE_URL');
  const host = readString(env, 'HOST', '127.0.0.1');
  const port = readPort(env, 'PORT', 3000);
  return {
    host,
    port,
    temporalAddress: readHostPort(
      env,
      'TEMPORAL_ADDRESS',
      temporalProfile.address ?? `127.0.0.1:${temporalPort}`,
    ),
    temporalNamespace: readString(env, 'TEMPORAL_NAMESPACE', temporalProfile.namespace ?? 'default'),
    temporalConnection: readTemporalSecurity(temporalProfile),
    temporalPort,
    temporalUiPort,
    temporalUiUrl: readUrl(env, 'TEMPORAL_UI_URL', `http://localhost:${temporalUiPort}`),
    dataDir,
    databaseUrl,
    databasePath: path.resolve(readString(env, 'DATABASE_PATH', path.join(dataDir, 'durable-jobs.sqlite'))),
    logLevel: readEnum(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    httpServer: readEnum(env, 'HTTP_SERVER', HTTP_SERVERS, 'fastify'),
    maxUploadBytes: readPositiveInteger(env, 'MAX_UPLOAD_BYTES', 1024 * 1024 * 1024),
    deadLetterMaxEntries: readPositiveInteger(env, 'DEAD_LETTER_MAX_ENTRIES', 10_000),
    deadLetterMaxAgeDays: readPositiveInteger(env, 'DEAD_LETTER_MAX_AGE_DAYS', 180),
    deadLetterRedactAfterMs: readDuration(env, 'DEAD_LETTER_REDACT_AFTER', '30d'),
    fileRetentionMs: readDuration(env, 'FILE_RETENTION', '7d'),
    fileOrphanRetentionMs: readDuration(env, 'FILE_ORPHAN_RETENTION', '1d'),
    retentionSweepIntervalMs: readDuration(env, 'RETENTION_SWEEP_INTERVAL', '1h'),
    idempotencyKeyRetentionMs: readDuration(env, 'IDEMPOTENCY_KEY_RETENTION', '24h'),
    webhookSecret: readWebhookSecret(env, databaseUrl),
    webhookAllowedHosts: readAllowedHosts(env, 'WEBHOOK_ALLOWED_HOSTS'),
    smtpUrl: readSmtpUrl(env, 'SMTP_URL'),
    smtpMaxConnections: readPositiveInteger(env, 'SMTP_MAX_CONNECTIONS', 5),
    devSmtpPort: readPort(env, 'DEV_SMTP_PORT', 2525),
    mailFrom: readMailFrom(env, 'MAIL_FROM', 'durable-jobs <no-reply@durable-jobs.local>'),
    workerShutdownGraceMs: readDuration(env, 'WORKER_SHUTDOWN_GRACE', '20s'),
    workerLimits: readWorkerLimits(env),
    workerMetricsAddress:
      env.WORKER_METRICS_ADDRESS === undefined || env.WORKER_METRICS_ADDRESS === ''
        ? undefined
        : readHostPort(env, 'WORKER_METRICS_ADDRESS', ''),
    objectStore: readObjectStore(env),
    payloadEncryptionKeys: readEncryptionKeys(env, host),
    auth: readAuth(env, host),
    appUrl: readAppUrl(env, port),
    jobRateLimits: readJobRateLimits(env, 'JOB_RATE_LIMITS'),
  };
}
