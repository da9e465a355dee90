const MESSAGE_ID_DOMAIN = 'durable-jobs.local';

/**
 * One Message-ID per job, the same on every attempt: when an attempt fails after the server may
 * already have accepted the message, the duplicate is recognisable by its id.
 */
export function messageIdFor(workflowId: string): string {
  const safeId = workflowId.replace(/[^A-Za-z0-9._-]/g, '_');
  return `<${safeId}@${MESSAGE_ID_DOMAIN}>`;
}
