import type { Client } from '@temporalio/client';
import { PayloadReader } from './payload-reading';

/**
 * A run's first argument, read back from its start event (decrypted when payloads are encrypted):
 * lets an activity take what it needs by reference instead of carrying it in its own input.
 */
export async function readWorkflowInput<T>(client: Client, workflowId: string, runId?: string): Promise<T> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  if (!started) throw new Error(`workflow ${workflowId} has no start event in its history`);
  return PayloadReader.of(client).value<T>(started.input);
}
