import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ensurePrivateDirectory } from '../private-files';

/**
 * WEBHOOK_SECRET when configured; otherwise (embedded SQLite mode only: configuration requires the
 * variable with DATABASE_URL) one generated on first use and kept in the data folder, so that every
 * worker sharing the folder signs alike and receivers can read it there.
 */
export function resolveWebhookSecret(configured: string | undefined, dataDir: string): string {
  if (configured) return configured;
  const file = path.join(dataDir, 'webhook-secret');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    ensurePrivateDirectory(dataDir);
    const secret = randomBytes(32).toString('hex');
    try {
      fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
      return secret;
    } catch {
      return fs.readFileSync(file, 'utf8').trim(); // another process wrote it first
    }
  }
}
