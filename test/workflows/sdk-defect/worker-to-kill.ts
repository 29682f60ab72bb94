/**
 * A worker in its own process, for update-after-query.test.ts to kill with
 * SIGKILL. Its `first` activity completes asynchronously: it prints its task
 * token, and the test completes it once this worker is dead.
 *   node --import tsx worker-to-kill.ts <temporal address> <task queue>
 */
import { CompleteAsyncError, Context } from '@temporalio/activity';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';

async function main(): Promise<void> {
  const [address, taskQueue] = process.argv.slice(2);
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR' }, forward: {} } } });
  const connection = await NativeConnection.connect({ address: address! });
  const worker = await Worker.create({
    connection,
    taskQueue: taskQueue!,
    workflowsPath: require.resolve('./workflow'),
    activities: {
      async first() {
        process.stdout.write(`TOKEN ${Buffer.from(Context.current().info.taskToken).toString('base64')}\n`);
        throw new CompleteAsyncError();
      },
      async second() {},
    },
  });
  process.stdout.write('READY\n');
  await worker.run();
}

void main();
