// A local SMTP server that accepts every message and keeps it as an .eml file: the default when no
// SMTP_URL is configured, so that development sends real SMTP without a real mail provider.
// Recipients in the reserved `.invalid` top-level domain (RFC 2606: never deliverable) get the
// permanent `550` a real server would give, so a permanent failure can be tried locally.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { Logger } from '../logger';
import { ensurePrivateDirectory, PRIVATE_FILE_MODE } from '../private-files';

export interface CaptureServerOptions {
  directory: string;
  port: number;
  host?: string;
  logger: Logger;
}

export interface RunningCaptureServer {
  port: number;
  directory: string;
  stop(): Promise<void>;
}

/** Sortable by arrival, unique within a process and across restarts. */
/** `someone@example.invalid`, `x@invalid`: the reserved TLD that no mail can ever reach. */
export function isUndeliverable(address: string): boolean {
  return /(^|\.)invalid\.?$/i.test(address.slice(address.lastIndexOf('@') + 1));
}

function newMailId(): string {
  return `${Date.now().toString().padStart(14, '0')}-${randomBytes(4).toString('hex')}`;
}

export async function startCaptureServer(options: CaptureServerOptions): Promise<RunningCaptureServer> {
  ensurePrivateDirectory(options.directory);
  const server = new SMTPServer({
    authOptional: true,
    // Loopback only and no certificate to offer: plain SMTP.
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!isUndeliverable(address.address)) return callback();
      const refusal = Object.assign(new Error(`5.1.2 ${address.address}: domain does not exist`), {
        responseCode: 550,
      });
      return callback(refusal);
    },
    onData(stream, session, callback) {
      const id = newMailId();
      const file = path.join(options.directory, `${id}.eml`);
      const output = fs.createWriteStream(`${file}.part`, { mode: PRIVATE_FILE_MODE });
      stream.pipe(output);
      output.on('finish', () => {
        // Renamed once complete, so a reader never sees half a message.
        fs.rename(`${file}.part`, file, (error) => {
          if (error) return callback(error);
          options.logger.info(
            { id, to: session.envelope.rcptTo.map((rcpt) => rcpt.address) },
            'mail captured',
          );
          callback(null, `Message captured as ${id}`);
        });
      });
      output.on('error', callback);
    },
  });
  const host = options.host ?? '127.0.0.1';
  const logErrors = (error: Error) => options.logger.warn({ err: error }, 'capturing SMTP server error');
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      server.on('error', logErrors);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;
  options.logger.info(
    { smtp: `${host}:${port}`, directory: options.directory },
    'capturing SMTP server listening',
  );
  return {
    port,
    directory: options.directory,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
