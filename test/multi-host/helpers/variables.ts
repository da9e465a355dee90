/** The environment variables through which the multi-host environment reaches the tests. */
export const VARIABLES = [
  'TEST_DATABASE_URL',
  'TEST_S3_ENDPOINT',
  'TEST_S3_ACCESS_KEY',
  'TEST_S3_SECRET_KEY',
  'TEST_TEMPORAL_ADDRESS',
  'TEST_TEMPORAL_NAMESPACE',
  'TEST_TEMPORAL_NODES',
  'TEST_TEMPORAL_CONTROL',
  'TEST_MULTI_HOST_DIR',
] as const;

export type Variable = (typeof VARIABLES)[number];

export function missingVariables(env: NodeJS.ProcessEnv = process.env): Variable[] {
  return VARIABLES.filter((name) => !env[name]);
}
