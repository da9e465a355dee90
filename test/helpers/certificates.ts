import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface CertificateFiles {
  caCert: string;
  cert: string;
  key: string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A self-signed certificate authority (P-256), valid for two days. */
export function createCertificateAuthority(dir: string, name: string): { cert: string; key: string } {
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.pem`);
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return { cert, key };
}

/** A leaf certificate signed by `ca`, for a server (`dnsName`) or a client. */
export function issueCertificate(
  dir: string,
  ca: { cert: string; key: string },
  name: string,
  usage: { server: string } | 'client',
): CertificateFiles {
  const key = path.join(dir, `${name}.key`);
  const request = path.join(dir, `${name}.csr`);
  const cert = path.join(dir, `${name}.pem`);
  const extensions = path.join(dir, `${name}.ext`);
  fs.writeFileSync(
    extensions,
    usage === 'client'
      ? 'extendedKeyUsage=clientAuth\n'
      : `extendedKeyUsage=serverAuth\nsubjectAltName=DNS:${usage.server}\n`,
  );
  openssl(dir, [
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    key,
    '-out',
    request,
    '-subj',
    `/CN=${name}`,
  ]);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    request,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-out',
    cert,
    '-days',
    '2',
    '-extfile',
    extensions,
  ]);
  return { caCert: ca.cert, cert, key };
}
