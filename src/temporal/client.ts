import { Client, Connection } from '@temporalio/client';
import type { Config, TemporalConnectionSecurity } from '../config';

export type TemporalConnectionConfig = Pick<Config, 'temporalAddress' | 'temporalNamespace'> & {
  /** Absent means plain gRPC, as to the dev server. */
  temporalConnection?: TemporalConnectionSecurity;
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
  const connection = Connection.lazy(temporalConnectionOptions(config));
  return new Client({ connection, namespace: config.temporalNamespace });
}

export type TemporalReadiness = { ready: true } | { ready: false; reason: string };

export async function checkTemporalReadiness(client: Client, timeoutMs = 2_000): Promise<TemporalReadiness> {
  try {
    await client.connection.withDeadline(Date.now() + timeoutMs, () =>
      client.workflowService.describeNamespace({ namespace: client.options.namespace }),
    );
    return { ready: true };
  } catch (error) {
    const reason = isDeadlineExceeded(error)
      ? `no answer within ${timeoutMs} ms`
      : describeConnectionError(error);
    return { ready: false, reason };
  }
}

export function describeConnectionError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

function isDeadlineExceeded(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 4;
}
