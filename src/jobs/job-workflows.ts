import { isJobType, type JobType } from '../contracts';
import * as workflows from '../workflows';

/** Each job type's workflow function, under the job type's name; tsc fails when one is missing. */
export const JOB_WORKFLOWS: { [T in JobType]: (typeof workflows)[T] } = workflows;

export type JobWorkflows = typeof JOB_WORKFLOWS;
export type JobWorkflow = JobWorkflows[JobType];
/** What a job type's workflow takes: the one input a start must give it. */
export type JobInput<T extends JobType> = Parameters<JobWorkflows[T]>[0];

/** The job type a workflow function runs as: its name, which is also its Temporal workflow type. */
export function jobTypeOf(workflow: JobWorkflow): JobType {
  if (!isJobType(workflow.name) || JOB_WORKFLOWS[workflow.name] !== workflow) {
    throw new Error(`${workflow.name} is not the workflow of a job type in JOB_TYPES`);
  }
  return workflow.name;
}
