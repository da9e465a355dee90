import type { NodeState } from '../../../scripts/multi-host/temporal';
import { missingVariables } from './variables';

export interface MultiHost {
  /** PostgreSQL superuser URL: create your own database per test file. */
  databaseUrl: string;
  /** versitygw: create your own bucket per test file. */
  s3: { endpoint: string; accessKey: string; secretKey: string };
  /** The load balancer in front of both Temporal frontends. */
  temporalAddress: string;
  namespace: string;
  /** Each node's own frontend, by node index. */
  nodeAddresses: string[];
  controlUrl: string;
}

/** The environment's coordinates; fails (never skips) when the suite was not started properly. */
export function multiHost(): MultiHost {
  const missing = missingVariables();
  if (missing.length > 0) {
    throw new Error(`${missing.join(', ')} not set: run this test with \`npm run test:multi-host\``);
  }
  const env = process.env as Record<string, string>;
  return {
    databaseUrl: env.TEST_DATABASE_URL!,
    s3: {
      endpoint: env.TEST_S3_ENDPOINT!,
      accessKey: env.TEST_S3_ACCESS_KEY!,
      secretKey: env.TEST_S3_SECRET_KEY!,
    },
    temporalAddress: env.TEST_TEMPORAL_ADDRESS!,
    namespace: env.TEST_TEMPORAL_NAMESPACE!,
    nodeAddresses: env.TEST_TEMPORAL_NODES!.split(','),
    controlUrl: env.TEST_TEMPORAL_CONTROL!,
  };
}

async function control(method: 'GET' | 'POST', route: string): Promise<NodeState[]> {
  const response = await fetch(`${multiHost().controlUrl}${route}`, { method });
  const body = (await response.json()) as { nodes?: NodeState[]; error?: string };
  if (!response.ok || !body.nodes) throw new Error(`${method} ${route}: ${response.status} ${body.error}`);
  return body.nodes;
}

export const temporalNodes = (): Promise<NodeState[]> => control('GET', '/nodes');

/** SIGKILLs Temporal node `index`; resolves once the process is gone. */
export const killTemporalNode = (index: number): Promise<NodeState[]> =>
  control('POST', `/nodes/${index}/kill`);

/** Starts node `index` again; resolves once it serves the namespace. */
export const restartTemporalNode = (index: number): Promise<NodeState[]> =>
  control('POST', `/nodes/${index}/restart`);
