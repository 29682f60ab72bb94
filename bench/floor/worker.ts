/**
 * The floor's worker, its own process (so its CPU and memory are its own):
 * bundles bench/floor/workflows.ts once at start, then polls FLOOR_TASK_QUEUE
 * on TEMPORAL_ADDRESS with the SDK's default options, as the shop's worker does.
 * Prints "floor worker polling" once it polls.
 */
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import * as activities from './activities';

import { FLOOR_TASK_QUEUE } from './task-queue';

async function main(): Promise<void> {
  const ignore = () => undefined;
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('./workflows'),
    logger: { trace: ignore, debug: ignore, info: ignore, warn: ignore, error: (message: string) => console.error(message), log: ignore },
  });
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  const worker = await Worker.create({ connection, namespace: 'default', taskQueue: FLOOR_TASK_QUEUE, workflowBundle, activities });
  const running = worker.run();
  console.log('floor worker polling');
  await running;
  await connection.close();
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
