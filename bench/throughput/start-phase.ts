// Phase 1: workflow starts on each kind of dev server storage, and on `npm start`'s server also
// POST /emails through the API against the direct start. All servers run at once and are measured
// in turn, round after round, so that the shared machine's changing load falls on every side alike.
import { withCleanups } from './cleanups';
import {
  describeStorage,
  IN_MEMORY,
  NPM_START_STORAGE,
  startBenchServer,
  storageId,
  type BenchServer,
  type ServerStorage,
} from './dev-servers';
import type { Figure } from './figures';
import { measureHttpEnqueue } from './http-enqueue';
import { combined, p99Ms, perSecond, type LoadResult } from './load';
import { startApiChild } from './project-processes';
import type { ThroughputSettings } from './settings';
import { measureStarts, type StartRates } from './start-rate';

const ROUNDS = 4;

/** What `npm start` ran before its SQLite settings, and the other setting worth knowing. */
const OTHER_FILE_STORAGES: ServerStorage[] = [
  { kind: 'file', pragmas: [] },
  { kind: 'file', pragmas: ['journal_mode=wal', 'synchronous=full'] },
];

const ALL_STORAGES = [IN_MEMORY, NPM_START_STORAGE, ...OTHER_FILE_STORAGES];

type Measurement = (settings: ThroughputSettings) => Promise<LoadResult>;

function loadNote(result: LoadResult): string {
  const parts = [`p99 ${p99Ms(result).toFixed(0)} ms`];
  if (result.failed > 0) parts.push(`${result.failed} failed: ${result.firstError}`);
  if (result.timedOut) parts.push('phase timed out');
  return parts.join('; ');
}

/** Unique among the servers of this phase, whatever `npm start`'s settings are. */
function serverName(storage: ServerStorage): string {
  return storage === NPM_START_STORAGE ? 'npm-start' : storageId(storage);
}

function startMeasurements(server: BenchServer, storage: ServerStorage): Array<[string, Measurement]> {
  return (['startJob', 'plain'] as const).map((kind) => [
    `${serverName(storage)}/${kind}`,
    (settings) => measureStarts(server, kind, settings),
  ]);
}

/** Every measurement, a round's share of the jobs at a time; the order turns by one each round. */
async function inRounds(
  measurements: Map<string, Measurement>,
  settings: ThroughputSettings,
): Promise<Map<string, LoadResult>> {
  const perRound = { ...settings, jobs: Math.ceil(settings.jobs / ROUNDS) };
  const names = [...measurements.keys()];
  const results = new Map<string, LoadResult[]>(names.map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round += 1) {
    const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)];
    for (const name of order) results.get(name)!.push(await measurements.get(name)!(perRound));
  }
  return new Map([...results].map(([name, rounds]) => [name, combined(rounds)]));
}

function startRates(results: Map<string, LoadResult>, storage: ServerStorage): StartRates {
  const name = serverName(storage);
  return { startJob: results.get(`${name}/startJob`)!, plain: results.get(`${name}/plain`)! };
}

/** Both kinds of start on one storage against the same kind on the in-memory server. */
function startFigures(
  storage: ServerStorage,
  ours: StartRates,
  memory: StartRates,
  target: number,
): Figure[] {
  const npmStart = storage === NPM_START_STORAGE;
  const label = npmStart ? `npm start's (${describeStorage(storage)})` : describeStorage(storage);
  return (['startJob', 'plain'] as const).map((kind) => ({
    id: `starts-${kind}-${serverName(storage)}`,
    figure: `${kind} starts/s, ${label}`,
    unit: '/s',
    ours: perSecond(ours[kind]),
    baseline: perSecond(memory[kind]),
    baselineLabel: `in-memory, p99 ${p99Ms(memory[kind]).toFixed(0)} ms`,
    target: kind === 'startJob' && target > 0 ? { kind: 'ratio-at-least', value: target } : { kind: 'none' },
    note: loadNote(ours[kind]),
  }));
}

function httpFigure(http: LoadResult, direct: LoadResult, settings: ThroughputSettings): Figure {
  return {
    id: 'http-enqueue',
    figure: `POST /emails through the API, ${settings.concurrency} connections`,
    unit: 'req/s',
    ours: perSecond(http),
    baseline: perSecond(direct),
    baselineLabel: `direct startJob, p99 ${p99Ms(direct).toFixed(0)} ms`,
    target: { kind: 'ratio-at-least', value: 0.9 },
    note: loadNote(http),
  };
}

export function startRateFigures(settings: ThroughputSettings): Promise<Figure[]> {
  return withCleanups(async (cleanups) => {
    const measurements = new Map<string, Measurement>();
    let npmStartServer: BenchServer | undefined;
    for (const storage of ALL_STORAGES) {
      const server = await startBenchServer(storage, cleanups);
      if (storage === NPM_START_STORAGE) npmStartServer = server;
      for (const entry of startMeasurements(server, storage)) measurements.set(...entry);
    }
    const api = await startApiChild(npmStartServer!.config, cleanups);
    measurements.set('http', (perRound) => measureHttpEnqueue(api.url, perRound));
    const results = await inRounds(measurements, settings);
    const memory = startRates(results, IN_MEMORY);
    const npmStart = startRates(results, NPM_START_STORAGE);
    return [
      ...startFigures(NPM_START_STORAGE, npmStart, memory, 0.8),
      ...OTHER_FILE_STORAGES.flatMap((storage) =>
        startFigures(storage, startRates(results, storage), memory, 0),
      ),
      httpFigure(results.get('http')!, npmStart.startJob, settings),
    ];
  });
}
