import path from 'node:path';
import type { S3Settings } from './files/s3-blob-store';
import { hasUrlProtocol, isHttpUrl } from './urls';

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable} ${message}`);
    this.name = 'ConfigError';
  }
}

export interface Config {
  host: string;
  port: number;
  temporalAddress: string;
  temporalNamespace: string;
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
  deadLetterMaxEntries: number;
  deadLetterMaxAgeDays: number;
  /** Where e-mail is sent; undefined means the embedded capturing server on `devSmtpPort`. */
  smtpUrl: string | undefined;
  devSmtpPort: number;
  mailFrom: string;
  /** host:port of the worker's Temporal SDK Prometheus exporter; /metrics appends its series. */
  workerMetricsAddress: string | undefined;
  /** Uploaded files in this S3 bucket; undefined keeps them under `$DATA_DIR/files`. */
  objectStore: S3Settings | undefined;
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

type Env = Record<string, string | undefined>;

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

function readOptional(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
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

export function loadConfig(env: Env = process.env): Config {
  const temporalPort = readPort(env, 'TEMPORAL_PORT', 7233);
  const temporalUiPort = readPort(env, 'TEMPORAL_UI_PORT', 8233);
  const dataDir = path.resolve(readString(env, 'DATA_DIR', 'data'));
  const databaseUrl = readDatabaseUrl(env, 'DATABASE_URL');
  return {
    host: readString(env, 'HOST', '127.0.0.1'),
    port: readPort(env, 'PORT', 3000),
    temporalAddress: readHostPort(env, 'TEMPORAL_ADDRESS', `127.0.0.1:${temporalPort}`),
    temporalNamespace: readString(env, 'TEMPORAL_NAMESPACE', 'default'),
    temporalPort,
    temporalUiPort,
    temporalUiUrl: readUrl(env, 'TEMPORAL_UI_URL', `http://localhost:${temporalUiPort}`),
    dataDir,
    databaseUrl,
    databasePath: path.resolve(readString(env, 'DATABASE_PATH', path.join(dataDir, 'durable-jobs.sqlite'))),
    logLevel: readEnum(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    maxUploadBytes: readPositiveInteger(env, 'MAX_UPLOAD_BYTES', 1024 * 1024 * 1024),
    deadLetterMaxEntries: readPositiveInteger(env, 'DEAD_LETTER_MAX_ENTRIES', 10_000),
    deadLetterMaxAgeDays: readPositiveInteger(env, 'DEAD_LETTER_MAX_AGE_DAYS', 180),
    webhookSecret: readWebhookSecret(env, databaseUrl),
    smtpUrl: readSmtpUrl(env, 'SMTP_URL'),
    devSmtpPort: readPort(env, 'DEV_SMTP_PORT', 2525),
    mailFrom: readMailFrom(env, 'MAIL_FROM', 'durable-jobs <no-reply@durable-jobs.local>'),
    workerMetricsAddress:
      env.WORKER_METRICS_ADDRESS === undefined || env.WORKER_METRICS_ADDRESS === ''
        ? undefined
        : readHostPort(env, 'WORKER_METRICS_ADDRESS', ''),
    objectStore: readObjectStore(env),
  };
}
