/**
 * The checkout worker, its own process: runs workflows/ and activities/ on the
 * checkout task queue, and answers GET /health on WORKER_HEALTH_PORT once it polls.
 * It waits for Temporal while Temporal is unreachable; on SIGINT/SIGTERM it
 * stops polling and gives the activities in flight WORKER_SHUTDOWN_GRACE_MS
 * to finish; an unhandled error ends it for its supervisor to restart.
 */
import { createServer } from 'node:http';
import { TransportError, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { serviceClientsFromEnv } from '../activities/clients';
import { retryWhileUnreachable } from '../platform/backoff';
import { createLogger, exitOnUnhandledErrors, type Logger } from '../platform/logger';
import { connectWorkerConnection } from '../platform/temporal-connection';
import { temporalDataConverter } from '../platform/temporal-codec';
import { temporalConnectionConfig } from '../temporal.config';
import { DEFAULT_WORKER_HEALTH_PORT, WORKER_SHUTDOWN_FORCE_MS, WORKER_SHUTDOWN_GRACE_MS, workflowCodeSource } from './config';

export { DEFAULT_WORKER_HEALTH_PORT } from './config';

export async function createCheckoutWorker(config = temporalConnectionConfig(), logger: Logger = createLogger('worker')): Promise<Worker> {
  // Temporal may start after the worker, or be restarting: wait for it rather than exit.
  const connection = await retryWhileUnreachable(() => connectWorkerConnection(config), {
    what: `Temporal at ${config.address}`,
    isUnreachable: (error) => error instanceof TransportError,
    logger,
  });
  return Worker.create({
    connection,
    namespace: config.namespace,
    taskQueue: config.taskQueue,
    ...workflowCodeSource(),
    activities: createActivities(serviceClientsFromEnv()),
    // Encrypts what the worker hands Temporal, decrypts what it reads (platform/temporal-codec.ts).
    dataConverter: temporalDataConverter(),
    shutdownGraceTime: WORKER_SHUTDOWN_GRACE_MS,
    shutdownForceTime: WORKER_SHUTDOWN_FORCE_MS,
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

async function main(logger: Logger): Promise<void> {
  const config = temporalConnectionConfig();
  const worker = await createCheckoutWorker(config, logger);
  const health = serveHealth(worker, Number(process.env.WORKER_HEALTH_PORT || DEFAULT_WORKER_HEALTH_PORT));
  logger.info(`worker polling task queue '${config.taskQueue}' on ${config.address} (namespace ${config.namespace})`);
  // Worker.run() resolves after SIGINT/SIGTERM, once in-flight tasks are done (or cancelled after the grace time).
  await worker.run();
  health.close();
  logger.info('worker stopped');
}

if (require.main === module) {
  const logger = createLogger('worker');
  exitOnUnhandledErrors(logger);
  main(logger).catch((error: unknown) => {
    logger.fatal({ err: error }, `the worker failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
