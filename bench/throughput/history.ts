// What one completed job wrote to history: the events, and how many of them scheduled an activity.
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export interface HistoryShape {
  workflowId: string;
  events: number;
  activities: number;
  /** Events by type, e.g. `UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: 2`. */
  byType: Record<string, number>;
}

const EVENT_TYPES = temporal.api.enums.v1.EventType;

function typeName(eventType: number | null | undefined): string {
  return (EVENT_TYPES[eventType ?? 0] ?? 'UNKNOWN').replace(/^EVENT_TYPE_/, '');
}

function countByType(events: temporal.api.history.v1.IHistoryEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of events)
    counts[typeName(event.eventType)] = (counts[typeName(event.eventType)] ?? 0) + 1;
  return counts;
}

/** The event types `ours` has more of than `baseline`, e.g. `MARKER_RECORDED +1`. */
export function extraEvents(ours: HistoryShape, baseline: HistoryShape): string {
  return Object.entries(ours.byType)
    .map(([type, count]) => [type, count - (baseline.byType[type] ?? 0)] as const)
    .filter(([, extra]) => extra !== 0)
    .map(([type, extra]) => `${type} ${extra > 0 ? '+' : ''}${extra}`)
    .join(', ');
}

async function firstCompleted(client: Client, workflowType: string): Promise<string> {
  const query = `WorkflowType = "${workflowType}" AND ExecutionStatus = "Completed"`;
  for await (const execution of client.workflow.list({ query, pageSize: 1 })) return execution.workflowId;
  throw new Error(`no completed ${workflowType} to read the history of`);
}

/** The history of `workflowId`, or of the first completed run of `workflowType`. */
export async function historyShape(
  client: Client,
  job: { workflowType: string } | { workflowId: string },
): Promise<HistoryShape> {
  const workflowId = 'workflowId' in job ? job.workflowId : await firstCompleted(client, job.workflowType);
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  return {
    workflowId,
    events: events.length,
    activities: events.filter((event) => event.eventType === EVENT_TYPES.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
      .length,
    byType: countByType(events),
  };
}
