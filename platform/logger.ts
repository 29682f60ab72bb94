import pino from 'pino';
import { activeTracing } from './telemetry';

/**
 * One JSON logger per process; LOG_LEVEL=debug for more, silent in tests unless asked.
 * While this process traces (platform/telemetry), each line carries the `trace_id` and
 * `span_id` of the span it was logged in, to go from a log line to its trace and back.
 */
export function createLogger(name: string, destination?: pino.DestinationStream): pino.Logger {
  const defaultLevel = process.env.JEST_WORKER_ID ? 'silent' : 'info';
  const tracing = activeTracing();
  return pino({ name, level: process.env.LOG_LEVEL || defaultLevel, ...(tracing ? { mixin: tracing.logFields } : {}) }, destination);
}

export type Logger = pino.Logger;

/** Distinct from a configuration error's 1, so a supervisor's message tells the two apart. */
export const UNHANDLED_ERROR_EXIT_CODE = 70;

let policyInstalled = false;

/**
 * The process-level error policy of every long-running process. An unhandled
 * rejection or an uncaught exception means the process is in a state nobody
 * planned for (a half-done request, a pool with a broken client, a timer that
 * will never fire again). It is logged with its stack, and the process exits
 * at once, non-zero, so that its supervisor (npm start, Kubernetes, compose)
 * starts a clean one. It never carries on.
 */
export function exitOnUnhandledErrors(logger: Logger): void {
  if (policyInstalled) return;
  policyInstalled = true;
  const fail = (what: string) => (error: unknown) => {
    try {
      logger.fatal({ err: error }, `${what}: exiting (code ${UNHANDLED_ERROR_EXIT_CODE}) for the supervisor to start a clean process`);
    } finally {
      // pino flushes synchronously on exit.
      process.exit(UNHANDLED_ERROR_EXIT_CODE);
    }
  };
  process.on('unhandledRejection', fail('unhandled promise rejection'));
  process.on('uncaughtException', fail('uncaught exception'));
}
