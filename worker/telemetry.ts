/**
 * What the worker adds to the shop's telemetry (platform/telemetry, platform/metrics):
 *   - the SDK's Runtime, installed before anything talks to Temporal: the
 *     Temporal SDK's own metrics, and the checkout's (workflows/metrics.ts),
 *     on a Prometheus endpoint of their own (WORKER_SDK_METRICS_PORT); and the
 *     SDK's log lines (the workflows' and activities' too) as pino JSON, like
 *     every other line of the worker, with the trace id while tracing;
 *   - the activities' tracing interceptors, while this process traces;
 *   - checkouts waiting for support, counted in Temporal's visibility store
 *     when Prometheus scrapes: the one number all workers agree on, whichever
 *     worker runs which checkout and however often workers restart.
 */
import type { Client } from '@temporalio/client';
import type { LogLevel } from '@temporalio/common';
import { DefaultLogger, Runtime, type ActivityInterceptorsFactory } from '@temporalio/worker';
import { OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor } from '@temporalio/interceptors-opentelemetry/lib/worker';
import type { Logger } from '../platform/logger';
import { gaugesReadAtScrape } from '../platform/metrics';
import { activeTracing } from '../platform/telemetry';
import { SEARCH_ATTRIBUTES } from '../temporal.config';
import { CHECKOUT_STATUS_VALUES } from '../workflows/checkout';
import { CHECKOUT_METRICS } from '../workflows/metrics';
import { DEFAULT_WORKER_SDK_METRICS_PORT } from './config';

const SDK_LEVELS: Record<string, LogLevel> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN' };

/**
 * The checkout's times (ms) span a second to the hours a checkout can wait for support:
 * the SDK's default buckets (50 ms to 10 s) would put every slow one in +Inf.
 */
const TIME_BUCKETS_MS = [100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000, 1_800_000, 3_600_000, 21_600_000];
const CHECKOUT_TIME_BUCKETS = { [CHECKOUT_METRICS.duration]: TIME_BUCKETS_MS, [CHECKOUT_METRICS.stepDuration]: TIME_BUCKETS_MS };

/** `host:port` of the SDK's metrics endpoint. */
export function sdkMetricsAddress(env: Record<string, string | undefined> = process.env): string {
  return `${env.HOST || '127.0.0.1'}:${Number(env.WORKER_SDK_METRICS_PORT || DEFAULT_WORKER_SDK_METRICS_PORT)}`;
}

/** Once per process, before the first connection to Temporal. */
export function installWorkerRuntime(logger: Logger, env: Record<string, string | undefined> = process.env): void {
  Runtime.install({
    logger: new DefaultLogger(SDK_LEVELS[logger.level] ?? 'ERROR', ({ level, message, meta }) => {
      logger[level.toLowerCase() as 'trace' | 'debug' | 'info' | 'warn' | 'error']({ ...meta }, message);
    }),
    telemetryOptions: { metrics: { prometheus: { bindAddress: sdkMetricsAddress(env), histogramBucketOverrides: CHECKOUT_TIME_BUCKETS } } },
  });
}

/** Traces each activity as a child of the workflow's span, while this process traces. */
export function activityInterceptors(): ActivityInterceptorsFactory[] {
  if (!activeTracing()) return [];
  return [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })];
}

export const WAITING_FOR_SUPPORT_QUERY = `${SEARCH_ATTRIBUTES.CheckoutStatus.name} = '${CHECKOUT_STATUS_VALUES.waiting_for_support}' AND ExecutionStatus = 'Running'`;
const COUNT_DEADLINE_MS = 5_000;

/** The `checkouts_waiting_for_support` gauge on the worker's /metrics; answers the function that stops it. */
export function reportCheckoutsWaitingForSupport(client: Client): () => void {
  return gaugesReadAtScrape(
    [{ name: 'checkouts_waiting_for_support', help: 'Checkouts waiting for support to retry or cancel them (Temporal visibility: CheckoutStatus="WaitingForSupport")' }],
    async () => {
      const { count } = await client.withDeadline(Date.now() + COUNT_DEADLINE_MS, () => client.workflow.count(WAITING_FOR_SUPPORT_QUERY));
      return { checkouts_waiting_for_support: [{ value: count }] };
    },
  );
}
