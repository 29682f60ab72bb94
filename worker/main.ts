/**
 * The checkout worker, its own process: runs workflows/ and activities/ on the
 * checkout task queue, and answers GET /health on WORKER_HEALTH_PORT once it polls.
 */
import { createServer } from 'node:http';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { serviceClientsFromEnv } from '../activities/clients';
import { connectWorkerConnection } from '../platform/temporal-connection';
import { temporalConnectionConfig } from '../temporal.config';

export const DEFAULT_WORKER_HEALTH_PORT = 3099;

export async function createCheckoutWorker(config = temporalConnectionConfig()): Promise<Worker> {
  const connection = await connectWorkerConnection(config);
  return Worker.create({
    connection,
    namespace: config.namespace,
    taskQueue: config.taskQueue,
    workflowsPath: require.resolve('../workflows'),
    activities: createActivities(serviceClientsFromEnv()),
  });
}

function serveHealth(worker: Worker, port: number) {
  const server = createServer((req, res) => {
    const running = worker.getState() === 'RUNNING';
    const ok = req.url === '/health' && running;
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: ok ? 'ok' : worker.getState().toLowerCase(), service: 'worker' }));
  });
  server.listen(port, process.env.HOST || '127.0.0.1');
  return server;
}

async function main(): Promise<void> {
  const config = temporalConnectionConfig();
  const worker = await createCheckoutWorker(config);
  const health = serveHealth(worker, Number(process.env.WORKER_HEALTH_PORT || DEFAULT_WORKER_HEALTH_PORT));
  console.log(`worker polling task queue '${config.taskQueue}' on ${config.address} (namespace ${config.namespace})`);
  // Worker.run() resolves after SIGINT/SIGTERM, once in-flight tasks are done.
  await worker.run();
  health.close();
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
