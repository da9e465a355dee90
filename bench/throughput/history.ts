// What one completed job wrote to history: the events, and how many of them scheduled an activity.
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export interface HistoryShape {
  workflowId: string;
  events: number;
  activities: number;
}

const ACTIVITY_SCHEDULED = temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED;

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
    activities: events.filter((event) => event.eventType === ACTIVITY_SCHEDULED).length,
  };
}
