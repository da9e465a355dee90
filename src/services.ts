import path from 'node:path';
import type { Config } from './config';
import { openDatabase, type Database } from './db/database';
import { DeadLetterStore } from './dead-letters/dead-letter-store';
import { FileStore } from './files/file-store';
import { resolveWebhookSecret } from './webhooks/secret';

/** The stateful services API and worker processes share through the data folder. */
export interface Services {
  db: Database;
  files: FileStore;
  webhookSecret: string;
  deadLetters: DeadLetterStore;
  close(): void;
}

export function openServices(config: Config): Services {
  const db = openDatabase(config.databasePath);
  return {
    db,
    files: new FileStore(path.join(config.dataDir, 'files'), db),
    webhookSecret: resolveWebhookSecret(config.webhookSecret, config.dataDir),
    deadLetters: new DeadLetterStore(db, {
      maxEntries: config.deadLetterMaxEntries,
      maxAgeDays: config.deadLetterMaxAgeDays,
    }),
    close: () => db.close(),
  };
}
