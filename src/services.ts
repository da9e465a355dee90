import path from 'node:path';
import type { Config } from './config';
import { openDatabase, type Database } from './db/database';
import { DeadLetterStore } from './dead-letters/dead-letter-store';
import type { BlobStore } from './files/blob-store';
import { FileStore } from './files/file-store';
import { LocalBlobStore } from './files/local-blob-store';
import { createS3Client, S3BlobStore } from './files/s3-blob-store';
import { resolveWebhookSecret } from './webhooks/secret';

/** The stateful services API and worker processes share through the data folder. */
export interface Services {
  db: Database;
  files: FileStore;
  /** The uploaded files' bytes: the bucket when S3_BUCKET is set, else `$DATA_DIR/files`. */
  blobs: BlobStore;
  webhookSecret: string;
  deadLetters: DeadLetterStore;
  close(): void;
}

function openBlobStore(config: Config): BlobStore {
  const settings = config.objectStore;
  if (!settings) return new LocalBlobStore(path.join(config.dataDir, 'files'));
  return new S3BlobStore(createS3Client(settings), settings);
}

export function openServices(config: Config): Services {
  const db = openDatabase(config.databasePath);
  const blobs = openBlobStore(config);
  return {
    db,
    files: new FileStore(blobs, db),
    blobs,
    webhookSecret: resolveWebhookSecret(config.webhookSecret, config.dataDir),
    deadLetters: new DeadLetterStore(db, {
      maxEntries: config.deadLetterMaxEntries,
      maxAgeDays: config.deadLetterMaxAgeDays,
    }),
    close: () => {
      blobs.close();
      db.close();
    },
  };
}
