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
import { measureStarts } from './start-rate';

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

async function startsOn(storage: ServerStorage, settings: ThroughputSettings): Promise<LoadResult> {
  return withCleanups(async (cleanups) => measureStarts(await startBenchServer(storage, cleanups), settings));
}

/** Direct starts, then the same number through the API, on one `npm start` server. */
async function npmStartServer(
  settings: ThroughputSettings,
): Promise<{ direct: LoadResult; http: LoadResult }> {
  return withCleanups(async (cleanups) => {
    const server = await startBenchServer(NPM_START_STORAGE, cleanups);
    const direct = await measureStarts(server, settings);
    const api = await startApiChild(server.config, cleanups);
    return { direct, http: await measureHttpEnqueue(api.url, settings) };
  });
}

function startFigure(
  id: string,
  label: string,
  ours: LoadResult,
  memory: LoadResult,
  target: number,
): Figure {
  return {
    id,
    figure: `workflow starts (startJob), ${label}`,
    unit: '/s',
    ours: ours.perSecond,
    baseline: memory.perSecond,
    baselineLabel: `in-memory, p99 ${memory.p99Ms.toFixed(0)} ms`,
    target: target > 0 ? { kind: 'ratio-at-least', value: target } : { kind: 'none' },
    note: loadNote(ours),
  };
}

export async function startRateFigures(settings: ThroughputSettings): Promise<Figure[]> {
  // The two servers of the target one after the other, so that a change in the shared machine's
  // load between them shows as little as it can.
  const memory = await startsOn(IN_MEMORY, settings);
  const { direct, http } = await npmStartServer(settings);
  const others: Figure[] = [];
  for (const storage of OTHER_FILE_STORAGES) {
    const result = await startsOn(storage, settings);
    others.push(startFigure(`starts-${storageId(storage)}`, describeStorage(storage), result, memory, 0));
  }
  return [
    startFigure(
      'starts-npm-start',
      `npm start's server (${describeStorage(NPM_START_STORAGE)})`,
      direct,
      memory,
      0.8,
    ),
    ...others,
    {
      id: 'http-enqueue',
      figure: `POST /emails through the API, ${settings.concurrency} connections`,
      unit: 'req/s',
      ours: http.perSecond,
      baseline: direct.perSecond,
      baselineLabel: `direct startJob, p99 ${direct.p99Ms.toFixed(0)} ms`,
      target: { kind: 'ratio-at-least', value: 0.9 },
      note: loadNote(http),
    },
  ];
}
