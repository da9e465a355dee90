import { SqlJobTypePauseStore, type JobTypePauseStore } from './jobs/job-type-pauses';
import path from 'node:path';
import type { Config } from './config';
import { lazySmtpPool, type MailTransport } from './email/transport';
import { openSqlClient } from './db/open-sql-client';
import type { SqlClient } from './db/sql-client';
import type { DeadLetterStore } from './dead-letters/dead-letter-store';
import { SqlDeadLetterStore } from './dead-letters/sql-dead-letter-store';
import { SqlFileAnalysisRepository, type FileAnalysisRepository } from './files/file-analysis-repository';
import type { BlobStore } from './files/blob-store';
import { FileStore } from './files/file-store';
import { LocalBlobStore } from './files/local-blob-store';
import { SqlStoredFileRepository } from './files/stored-file-repository';
import { SqlIdempotencyKeyStore, type IdempotencyKeyStore } from './jobs/idempotency-keys';
import { SqlSideEffectLedger, type SideEffectLedger } from './jobs/side-effects';
import type { OutboxRepository } from './outbox/outbox-entry';
import { SqlOutboxRepository } from './outbox/sql-outbox-repository';
import { SqlUserRepository } from './users/sql-user-repository';
import type { UserRepository } from './users/user-repository';
import { resolveWebhookSecret } from './webhooks/secret';
import { WebhookDelivery } from './webhooks/delivery';
import { WebhookDestinationPolicy, type AddressResolver } from './webhooks/destination-policy';

/** The stateful services API and worker processes share: the database and the uploaded files. */
export interface Services {
  sql: SqlClient;
  users: UserRepository;
  outbox: OutboxRepository;
  files: FileStore;
  /** The uploaded files' bytes: the bucket when S3_BUCKET is set, else `$DATA_DIR/files`. */
  blobs: BlobStore;
  fileAnalyses: FileAnalysisRepository;
  sideEffects: SideEffectLedger;
  deadLetters: DeadLetterStore;
  idempotencyKeys: IdempotencyKeyStore;
  /** Job types an operator paused; read by the API and by every worker. */
  jobTypePauses: JobTypePauseStore;
  webhookSecret: string;
  /** Where webhooks may go; the API checks a notifyUrl against it when it accepts one. */
  webhookDestinations: WebhookDestinationPolicy;
  /** Signed webhook POSTs, refused at connect time where the policy says so. */
  webhooks: WebhookDelivery;
  /** The worker's pooled SMTP connections, opened at the first delivery (never by the API). */
  mail: MailTransport;
  close(): Promise<void>;
}

export interface ServiceOptions {
  /** How webhook host names are resolved; the system's resolver unless a test gives its own. */
  resolver?: AddressResolver;
}

/** The S3 client (some 20 MiB of code) is loaded only where S3_BUCKET asks for it. */
async function openBlobStore(config: Config): Promise<BlobStore> {
  const settings = config.objectStore;
  if (!settings) return new LocalBlobStore(path.join(config.dataDir, 'files'));
  const { createS3Client, S3BlobStore } = await import('./files/s3-blob-store');
  return new S3BlobStore(createS3Client(settings), settings);
}

/** Every repository over one database: PostgreSQL when DATABASE_URL is set, else SQLite. */
export async function openServices(config: Config, options: ServiceOptions = {}): Promise<Services> {
  const sql = await openSqlClient(config);
  const blobs = await openBlobStore(config);
  // Config already refused a shared database without WEBHOOK_SECRET.
  const webhookSecret = resolveWebhookSecret(config.webhookSecret, config.dataDir);
  const webhookDestinations = new WebhookDestinationPolicy(config.webhookAllowedHosts, options.resolver);
  const webhooks = new WebhookDelivery({ secret: webhookSecret, policy: webhookDestinations });
  const mail = lazySmtpPool(config);
  return {
    sql,
    users: new SqlUserRepository(sql),
    outbox: new SqlOutboxRepository(sql),
    files: new FileStore(blobs, new SqlStoredFileRepository(sql)),
    blobs,
    fileAnalyses: new SqlFileAnalysisRepository(sql),
    sideEffects: new SqlSideEffectLedger(sql),
    deadLetters: new SqlDeadLetterStore(sql, {
      maxEntries: config.deadLetterMaxEntries,
      maxAgeDays: config.deadLetterMaxAgeDays,
    }),
    idempotencyKeys: new SqlIdempotencyKeyStore(sql),
    jobTypePauses: new SqlJobTypePauseStore(sql),
    webhookSecret,
    webhookDestinations,
    webhooks,
    mail,
    close: async () => {
      mail.close();
      await webhooks.close();
      blobs.close();
      await sql.close();
    },
  };
}
