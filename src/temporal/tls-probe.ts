import tls from 'node:tls';
import net from 'node:net';
import type { TLSConfig } from '@temporalio/client';

const AFTER_HANDSHAKE_MS = 300;

function splitAddress(address: string): { host: string; port: number } {
  const index = address.lastIndexOf(':');
  return { host: address.slice(0, index).replace(/^\[|\]$/g, ''), port: Number(address.slice(index + 1)) };
}

/**
 * Why a TLS connection to Temporal fails, or undefined if it does not. gRPC keeps retrying a
 * failed handshake and a deadline only says "no answer"; this names the certificate problem.
 */
export function probeTls(
  address: string,
  config: TLSConfig | true,
  timeoutMs = 2_000,
): Promise<string | undefined> {
  const { host, port } = splitAddress(address);
  const options = config === true ? {} : config;
  return new Promise((resolve) => {
    const socket = tls.connect({
      host,
      port,
      servername: options.serverNameOverride ?? (net.isIP(host) ? undefined : host),
      ca: options.serverRootCACertificate ? Buffer.from(options.serverRootCACertificate) : undefined,
      cert: options.clientCertPair ? Buffer.from(options.clientCertPair.crt) : undefined,
      key: options.clientCertPair ? Buffer.from(options.clientCertPair.key) : undefined,
      ALPNProtocols: ['h2'],
    });
    const finish = (reason: string | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(reason);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    socket.once('error', (error) => finish(`TLS handshake with ${address} failed: ${error.message}`));
    // A server that wants a client certificate may only say so once the handshake is done.
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const settled = setTimeout(() => finish(undefined), AFTER_HANDSHAKE_MS);
      socket.once('close', () => {
        clearTimeout(settled);
        finish(
          `${address} closed the connection after the TLS handshake; does it require a client certificate?`,
        );
      });
    });
  });
}
