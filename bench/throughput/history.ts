// What a completed job wrote to history: the events, and how many of them scheduled an activity;
// read from a sample of the run's jobs.
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface HistoryShape {
  /** The sampled job with the fewest events: a run that nothing (a timeout, a retry) lengthened. */
  workflowId: string;
  events: number;
  activities: number;
  /** Its events by type, e.g. `UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: 2`. */
  byType: Record<string, number>;
  sampled: number;
  /** Sampled jobs in which a workflow task timed out (a sticky queue that waited too long, a slow worker). */
  withTaskTimeouts: number;
}

const EVENT_TYPES = temporal.api.enums.v1.EventType;
const SAMPLE_SIZE = 20;

function typeName(eventType: number | null | undefined): string {
  return (EVENT_TYPES[eventType ?? 0] ?? 'UNKNOWN').replace(/^EVENT_TYPE_/, '');
}

function countByType(events: HistoryEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of events)
    counts[typeName(event.eventType)] = (counts[typeName(event.eventType)] ?? 0) + 1;
  return counts;
}

/** Up to SAMPLE_SIZE ids spread evenly over the run, first and last included. */
function sampleOf(jobIds: string[]): string[] {
  const step = Math.max(1, (jobIds.length - 1) / (SAMPLE_SIZE - 1));
  const picked = new Set<string>();
  for (let position = 0; position < jobIds.length && picked.size < SAMPLE_SIZE; position += step) {
    picked.add(jobIds[Math.round(position)]!);
  }
  return [...picked];
}

async function eventsOf(client: Client, workflowId: string): Promise<HistoryEvent[]> {
  return (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
}

export async function historyShape(client: Client, jobIds: string[]): Promise<HistoryShape> {
  const sample = sampleOf(jobIds);
  if (sample.length === 0) throw new Error('no job to read the history of');
  const histories = await Promise.all(sample.map(async (id) => ({ id, events: await eventsOf(client, id) })));
  const timedOut = EVENT_TYPES.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT;
  const shortest = histories.reduce((best, next) => (next.events.length < best.events.length ? next : best));
  return {
    workflowId: shortest.id,
    events: shortest.events.length,
    activities: shortest.events.filter(
      (event) => event.eventType === EVENT_TYPES.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
    ).length,
    byType: countByType(shortest.events),
    sampled: histories.length,
    withTaskTimeouts: histories.filter(({ events }) => events.some((event) => event.eventType === timedOut))
      .length,
  };
}

/** The event types `ours` has more of than `baseline`, e.g. `MARKER_RECORDED +1`. */
export function extraEvents(ours: HistoryShape, baseline: HistoryShape): string {
  return Object.entries(ours.byType)
    .map(([type, count]) => [type, count - (baseline.byType[type] ?? 0)] as const)
    .filter(([, extra]) => extra !== 0)
    .map(([type, extra]) => `${type} ${extra > 0 ? '+' : ''}${extra}`)
    .join(', ');
}
