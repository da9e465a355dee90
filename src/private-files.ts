// Data files hold personal data (addresses, uploaded content, secrets): only the service's own
// user may read them. Modes are set explicitly after creation, so the process umask never widens
// (or narrows) them, and files left with wider modes by earlier versions are tightened.
import fs from 'node:fs';

export const PRIVATE_DIRECTORY_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `directory` (and missing parents) readable by this user only; tightens it if it exists. */
export function ensurePrivateDirectory(directory: string): void {
  fs.mkdirSync(directory, { recursive: true, mode: PRIVATE_DIRECTORY_MODE });
  fs.chmodSync(directory, PRIVATE_DIRECTORY_MODE);
}

/** Creates `file` empty when missing, then sets it readable and writable by this user only. */
export function ensurePrivateFile(file: string): void {
  fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE_MODE));
  fs.chmodSync(file, PRIVATE_FILE_MODE);
}

/** Sets each of `files` that exists to this user only; missing ones are skipped. */
export function tightenExisting(files: string[]): void {
  for (const file of files) {
    try {
      fs.chmodSync(file, PRIVATE_FILE_MODE);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
