// Tiny workflows that prove the cluster runs workflow and activity tasks end to end.
import { proxyActivities } from '@temporalio/workflow';
import type * as activities from './activities';

const { greeting } = proxyActivities<typeof activities>({ startToCloseTimeout: '30 seconds' });

export async function greet(name: string): Promise<string> {
  return await greeting(name);
}

export async function echo(value: number): Promise<number> {
  return value;
}
