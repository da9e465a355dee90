// The machine a run was measured on, printed beside its figures.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { temporalBinaryPath } from '../../src/temporal/binaries';

export interface Machine {
  date: string;
  cpus: number;
  model: string;
  memoryGiB: number;
  node: string;
  temporalCli: string;
  loadAverage: number[];
}

export function describeMachine(): Machine {
  const version = execFileSync(temporalBinaryPath('cli'), ['--version'], { encoding: 'utf8' }).trim();
  return {
    date: new Date().toISOString(),
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    temporalCli: version,
    loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
  };
}
