import fs from 'node:fs';
// Shared with scripts/setup-temporal.js so both agree on where the binaries live.
import { binaryPaths } from '../../scripts/temporal-paths';

export type TemporalBinary = 'cli' | 'testServer';

const OVERRIDE_VARIABLE: Record<TemporalBinary, string> = {
  cli: 'TEMPORAL_CLI_PATH',
  testServer: 'TEMPORAL_TEST_SERVER_PATH',
};

export class MissingTemporalBinaryError extends Error {
  constructor(binary: TemporalBinary, path: string) {
    super(
      `Temporal ${binary === 'cli' ? 'CLI' : 'test server'} not found at ${path}. ` +
        `Run "npm run setup:temporal" or set ${OVERRIDE_VARIABLE[binary]} to an existing binary.`,
    );
    this.name = 'MissingTemporalBinaryError';
  }
}

export function temporalBinaryPath(binary: TemporalBinary): string {
  const path = binaryPaths[binary];
  if (!fs.existsSync(path)) throw new MissingTemporalBinaryError(binary, path);
  return path;
}
