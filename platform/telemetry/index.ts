/**
 * Tracing, when it is asked for: OTEL_EXPORTER_OTLP_ENDPOINT (or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) set, and neither OTEL_SDK_DISABLED=true
 * nor OTEL_TRACES_EXPORTER=none. Otherwise nothing starts: the OpenTelemetry
 * SDK is not even loaded, no interceptor is installed on the Temporal clients
 * and activities, logs carry no trace fields, and the workflows take the path
 * they take without interceptors (workflows/interceptors.ts).
 *
 * This module is light on purpose (the SDK lives in ./sdk, loaded only when
 * tracing starts): every process imports it. Each process's main starts
 * tracing first of all, before express, pg and http are loaded, by importing
 * ./preload; the instrumentations patch those modules as they are required.
 */
import path from 'node:path';
import type { Resource } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface Tracing {
  serviceName: string;
  resource: Resource;
  /** Where every finished span goes, the workflow's too (./workflow-spans). */
  spanProcessor: SpanProcessor;
  /** `{ trace_id, span_id }` of the active span, for log lines (platform/logger.ts). */
  logFields(): Record<string, string>;
  /** Puts the request id on the current request's server span. */
  annotateRequest(requestId: string): void;
  /** Ends the instrumentation and sends what is still buffered. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  serviceName: string;
  /** Where spans go; by default batched to the OTLP endpoint of the environment. Tests pass an in-memory exporter's. */
  spanProcessor?: SpanProcessor;
}

let active: Tracing | undefined;

export function tracingConfigured(env: Record<string, string | undefined> = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  if (env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

/** The tracing this process started, if it did. */
export function activeTracing(): Tracing | undefined {
  return active;
}

/** Starts tracing in this process (once; a second call answers the first tracing). */
export function startTracing(options: TracingOptions): Tracing {
  if (!active) {
    // Loaded here only: without tracing, the SDK and the instrumentations stay out of the process.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { startTracingSdk } = require('./sdk') as typeof import('./sdk');
    active = startTracingSdk(options);
  }
  return active;
}

/** Starts tracing when the environment asks for it; the service name comes from OTEL_SERVICE_NAME or the entry point. */
export function startTracingIfConfigured(env: Record<string, string | undefined> = process.env, entryPoint = require.main?.filename): Tracing | undefined {
  // Under jest, a test that traces starts tracing itself, with its own exporter: a developer's endpoint gets nothing.
  if (active || !tracingConfigured(env) || env.JEST_WORKER_ID) return active;
  return startTracing({ serviceName: env.OTEL_SERVICE_NAME?.trim() || partName(entryPoint) });
}

/** Flushes and ends tracing, if it was started; for a process's shutdown. */
export async function stopTracing(): Promise<void> {
  const stopping = active;
  active = undefined;
  await stopping?.shutdown();
}

/**
 * The part an entry point runs, for the `service.name` of its spans:
 * `dist/services/orders/main.js` → `orders`, `gateway/main.ts` → `gateway`,
 * `scripts/checkout.ts` → `checkout-script`.
 */
export function partName(entryPoint: string | undefined): string {
  if (!entryPoint) return 'temporal-shop';
  const parts = entryPoint.split(path.sep);
  const file = path.basename(entryPoint).replace(/\.[cm]?[jt]s$/, '');
  const folder = parts[parts.length - 2] ?? '';
  if (file === 'main') return folder;
  return folder === 'scripts' ? `${file}-script` : file;
}
