import { Client, Connection, isGrpcDeadlineError, type TLSConfig } from '@temporalio/client';
import type { Config, TemporalConnectionSecurity } from '../config';
import { payloadDataConverter } from './data-converter';
import type { EncryptionKey } from './payload-codec';
import { probeTls } from './tls-probe';

export type TemporalConnectionConfig = Pick<Config, 'temporalAddress' | 'temporalNamespace'> & {
  /** Absent means plain gRPC, as to the dev server. */
  temporalConnection?: TemporalConnectionSecurity;
  /** Absent or empty: payloads in clear. */
  payloadEncryptionKeys?: readonly EncryptionKey[];
};

/** The options both the client's `Connection` and the worker's `NativeConnection` take. */
export function temporalConnectionOptions(config: TemporalConnectionConfig): {
  address: string;
} & TemporalConnectionSecurity {
  return { address: config.temporalAddress, ...config.temporalConnection };
}

/**
 * A lazy connection lets the API start (and answer /readyz with 503) while Temporal is down;
 * gRPC reconnects by itself once the server is back.
 */
export function createTemporalClient(config: TemporalConnectionConfig): Client {
  const options = temporalConnectionOptions(config);
  const client = new Client({
    connection: Connection.lazy(options),
    namespace: config.temporalNamespace,
    dataConverter: payloadDataConverter(config.payloadEncryptionKeys ?? []),
  });
  if (options.tls) tlsTargets.set(client, { address: options.address, tls: options.tls });
  return client;
}

/** The connection keeps its TLS settings only inside gRPC credentials; readiness needs them back. */
const tlsTargets = new WeakMap<Client, { address: string; tls: TLSConfig | true }>();

export type TemporalReadiness = { ready: true } | { ready: false; reason: string };

export async function checkTemporalReadiness(client: Client, timeoutMs = 2_000): Promise<TemporalReadiness> {
  try {
    await client.connection.withDeadline(Date.now() + timeoutMs, () =>
      client.workflowService.describeNamespace({ namespace: client.options.namespace }),
    );
    return { ready: true };
  } catch (error) {
    if (!isGrpcDeadlineError(error)) return { ready: false, reason: describeConnectionError(error) };
    const target = tlsTargets.get(client);
    const tlsProblem = target ? await probeTls(target.address, target.tls, timeoutMs) : undefined;
    return { ready: false, reason: tlsProblem ?? `no answer within ${timeoutMs} ms` };
  }
}

export function describeConnectionError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
