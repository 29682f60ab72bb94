/**
 * The floor: what the same SDK and the same Temporal server do with the least
 * possible work per step. The checkout is measured against it in the same run.
 */
import { proxyActivities } from '@temporalio/workflow';
import type * as activities from './activities';

const { noop } = proxyActivities<typeof activities>({ startToCloseTimeout: '10 seconds' });

/** As many steps as the checkout has activities on its happy path's way to the result. */
export async function floorWorkflow(steps: number): Promise<number> {
  for (let step = 0; step < steps; step += 1) await noop(step);
  return steps;
}
