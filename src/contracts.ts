// The contracts shared by workflows, worker and API. Workflow code imports this module, so it
// must stay free of Node APIs and I/O.
import { defineSearchAttributeKey } from '@temporalio/common';

export const TASK_QUEUE = 'durable-jobs';

/** Registered with the dev server at start; lets the Web UI search jobs by state and type. */
export const JOB_STATE_SEARCH_ATTRIBUTE = defineSearchAttributeKey('JobState', 'KEYWORD');
export const JOB_TYPE_SEARCH_ATTRIBUTE = defineSearchAttributeKey('JobType', 'KEYWORD');
export const SEARCH_ATTRIBUTES = [JOB_STATE_SEARCH_ATTRIBUTE, JOB_TYPE_SEARCH_ATTRIBUTE] as const;
