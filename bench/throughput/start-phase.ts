// Phase 1: workflow starts on each kind of dev server storage, one server at a time, and on
// `npm start`'s server also POST /emails through the API against the direct start.
import { withCleanups } from './cleanups';
import {
  describeStorage,
  storageId,
  IN_MEMORY,
  NPM_START_STORAGE,
  startBenchServer,
  type ServerStorage,
} from './dev-servers';
import type { Figure } from './figures';
import { measureHttpEnqueue } from './http-enqueue';
import type { LoadResult } from './load';
import { startApiChild } from './project-processes';
import type { ThroughputSettings } from './settings';
import { measureStarts, type StartRates } from './start-rate';

/** What `npm start` ran before its SQLite settings, and the other setting worth knowing. */
const OTHER_FILE_STORAGES: ServerStorage[] = [
  { kind: 'file', pragmas: [] },
  { kind: 'file', pragmas: ['journal_mode=wal', 'synchronous=full'] },
];

function loadNote(result: LoadResult): string {
  const parts = [`p99 ${result.p99Ms.toFixed(0)} ms`];
  if (result.failed > 0) parts.push(`${result.failed} failed: ${result.firstError}`);
  if (result.timedOut) parts.push('phase timed out');
  return parts.join('; ');
}

async function startsOn(storage: ServerStorage, settings: ThroughputSettings): Promise<StartRates> {
  return withCleanups(async (cleanups) => measureStarts(await startBenchServer(storage, cleanups), settings));
}

/** Direct starts, then the same number through the API, on one `npm start` server. */
async function npmStartServer(
  settings: ThroughputSettings,
): Promise<{ direct: StartRates; http: LoadResult }> {
  return withCleanups(async (cleanups) => {
    const server = await startBenchServer(NPM_START_STORAGE, cleanups);
    const direct = await measureStarts(server, settings);
    const api = await startApiChild(server.config, cleanups);
    return { direct, http: await measureHttpEnqueue(api.url, settings) };
  });
}

/** Both kinds of start on one storage against the same kind on the in-memory server. */
function startFigures(
  storage: ServerStorage,
  ours: StartRates,
  memory: StartRates,
  target: number,
): Figure[] {
  const label =
    storage === NPM_START_STORAGE ? `npm start's (${describeStorage(storage)})` : describeStorage(storage);
  return (['startJob', 'plain'] as const).map((kind) => ({
    id: `starts-${kind}-${storage === NPM_START_STORAGE ? 'npm-start' : storageId(storage)}`,
    figure: `${kind} starts/s, ${label}`,
    unit: '/s',
    ours: ours[kind].perSecond,
    baseline: memory[kind].perSecond,
    baselineLabel: `in-memory, p99 ${memory[kind].p99Ms.toFixed(0)} ms`,
    target: kind === 'startJob' && target > 0 ? { kind: 'ratio-at-least', value: target } : { kind: 'none' },
    note: loadNote(ours[kind]),
  }));
}

export async function startRateFigures(settings: ThroughputSettings): Promise<Figure[]> {
  // The two servers of the target one after the other, so that a change in the shared machine's
  // load between them shows as little as it can.
  const memory = await startsOn(IN_MEMORY, settings);
  const { direct, http } = await npmStartServer(settings);
  const others: Figure[] = [];
  for (const storage of OTHER_FILE_STORAGES) {
    others.push(...startFigures(storage, await startsOn(storage, settings), memory, 0));
  }
  return [
    ...startFigures(NPM_START_STORAGE, direct, memory, 0.8),
    ...others,
    {
      id: 'http-enqueue',
      figure: `POST /emails through the API, ${settings.concurrency} connections`,
      unit: 'req/s',
      ours: http.perSecond,
      baseline: direct.startJob.perSecond,
      baselineLabel: `direct startJob, p99 ${direct.startJob.p99Ms.toFixed(0)} ms`,
      target: { kind: 'ratio-at-least', value: 0.9 },
      note: loadNote(http),
    },
  ];
}
