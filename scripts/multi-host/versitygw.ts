import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { binaries } from './paths';
import { ManagedProcess } from './processes';

export interface ObjectStore {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  process: ManagedProcess;
  logFile: string;
}

/** Any HTTP answer (an unsigned request gets 403) means the gateway serves. */
async function answers(endpoint: string): Promise<boolean> {
  const response = await fetch(endpoint, { signal: AbortSignal.timeout(2000) });
  await response.arrayBuffer();
  return true;
}

/** versitygw serving S3 from a directory (its POSIX backend), with one generated key pair. */
export async function startVersitygw(
  dir: string,
  port: number,
  track: (p: ManagedProcess) => void,
): Promise<ObjectStore> {
  const dataDir = path.join(dir, 's3');
  fs.mkdirSync(dataDir);
  const accessKey = `multihost${crypto.randomBytes(6).toString('hex')}`;
  const secretKey = crypto.randomBytes(24).toString('hex');
  const logFile = path.join(dir, 'versitygw.log');
  const gateway = ManagedProcess.start({
    name: 'versitygw',
    command: binaries.versitygw,
    args: ['--access', accessKey, '--secret', secretKey, '--port', `127.0.0.1:${port}`, 'posix', dataDir],
    logFile,
  });
  track(gateway);
  const endpoint = `http://127.0.0.1:${port}`;
  await gateway.waitUntil('versitygw start', () => answers(endpoint), 30_000);
  return { endpoint, accessKey, secretKey, process: gateway, logFile };
}
