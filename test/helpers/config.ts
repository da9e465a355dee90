import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { loadConfig, type Config } from '../../src/config';

/** A configuration for tests, with its own data folder on disk. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-test-'));
  return { ...loadConfig({ DATA_DIR: dataDir }), ...overrides };
}
