/**
 * The checkout worker, its own process: runs workflows/ and activities/ on the
 * checkout task queue, and answers GET /health on WORKER_HEALTH_PORT once it
 * polls, with its Prometheus metrics at GET /metrics there and the Temporal
 * SDK's on WORKER_SDK_METRICS_PORT (worker/telemetry.ts).
 * It waits for Temporal while Temporal is unreachable; on SIGINT/SIGTERM it
 * stops polling and gives the activities in flight WORKER_SHUTDOWN_GRACE_MS
 * to finish; an unhandled error ends it for its supervisor to restart.
 */
// First: tracing (when configured) must patch http before it loads.
import '../platform/telemetry/preload';
import { createServer } from 'node:http';
import { Client } from '@temporalio/client';
import { TransportError, Worker, type NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities';
import { serviceClientsFromEnv } from '../activities/clients';
import { retryWhileUnreachable } from '../platform/backoff';
import { createLogger, exitOnUnhandledErrors, type Logger } from '../platform/logger';
import { METRICS_PATH, sendMetrics } from '../platform/metrics';
import { stopTracing } from '../platform/telemetry';
import { workflowSpanSinks } from '../platform/telemetry/workflow-spans';
import { connectWorkerConnection } from '../platform/temporal-connection';
import { temporalDataConverter } from '../platform/temporal-codec';
import { temporalConnectionConfig, type TemporalConnectionConfig } from '../temporal.config';
import {
  DEFAULT_WORKER_HEALTH_PORT,
  WORKER_SHUTDOWN_FORCE_MS,
  WORKER_SHUTDOWN_GRACE_MS,
  WORKFLOW_INTERCEPTOR_MODULES,
  workflowCodeSource,
} from './config';
import { activityInterceptors, installWorkerRuntime, reportCheckoutsWaitingForSupport, sdkMetricsAddress } from './telemetry';

export { DEFAULT_WORKER_HEALTH_PORT } from './config';

/** Temporal may start after the worker, or be restarting: waits for it rather than exit. */
export function connectToTemporal(config: TemporalConnectionConfig, logger: Logger): Promise<NativeConnection> {
  return retryWhileUnreachable(() => connectWorkerConnection(config), {
    what: `Temporal at ${config.address}`,
    isUnreachable: (error) => error instanceof TransportError,
    logger,
  });
}

export async function createCheckoutWorker(
  config = temporalConnectionConfig(),
  logger: Logger = createLogger('worker'),
  connection?: NativeConnection,
): Promise<Worker> {
  const code = workflowCodeSource();
  return Worker.create({
    connection: connection ?? (await connectToTemporal(config, logger)),
    namespace: config.namespace,
    taskQueue: config.taskQueue,
    ...code,
    activities: createActivities(serviceClientsFromEnv()),
    interceptors: {
      // A prebuilt bundle has the workflow interceptors in it already (scripts/build.ts).
      ...('workflowsPath' in code ? { workflowModules: WORKFLOW_INTERCEPTOR_MODULES } : {}),
      activity: activityInterceptors(),
    },
    // The spans of traced workflows leave the sandbox here (platform/telemetry/workflow-spans.ts).
    sinks: workflowSpanSinks(),
    // Encrypts what the worker hands Temporal, decrypts what it reads (platform/temporal-codec.ts).
    dataConverter: temporalDataConverter(),
    shutdownGraceTime: WORKER_SHUTDOWN_GRACE_MS,
    shutdownForceTime: WORKER_SHUTDOWN_FORCE_MS,
  });
}

/** GET /health (200 once polling) and GET /metrics (Prometheus). */
export function serveHealth(worker: Pick<Worker, 'getState'>, port: number, host = process.env.HOST || '127.0.0.1') {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === METRICS_PATH) {
      sendMetrics(res).catch(() => res.writeHead(500).end());
      return;
    }
    const running = worker.getState() === 'RUNNING';
    const ok = req.url === '/health' && running;
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: ok ? 'ok' : worker.getState().toLowerCase(), service: 'worker' }));
  });
  server.listen(port, host);
  return server;
}

async function main(logger: Logger): Promise<void> {
  const config = temporalConnectionConfig();
  // Before the first connection: the Runtime serves the SDK's metrics, and logs through pino.
  installWorkerRuntime(logger);
  const connection = await connectToTemporal(config, logger);
  const worker = await createCheckoutWorker(config, logger, connection);
  const stopWaitingGauge = reportCheckoutsWaitingForSupport(new Client({ connection, namespace: config.namespace }));
  const health = serveHealth(worker, Number(process.env.WORKER_HEALTH_PORT || DEFAULT_WORKER_HEALTH_PORT));
  logger.info(`worker polling task queue '${config.taskQueue}' on ${config.address} (namespace ${config.namespace}); SDK metrics at http://${sdkMetricsAddress()}/metrics`);
  // Worker.run() resolves after SIGINT/SIGTERM, once in-flight tasks are done (or cancelled after the grace time).
  await worker.run();
  stopWaitingGauge();
  health.close();
  await stopTracing();
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
