/**
 * The OpenTelemetry Node SDK as the shop runs it (loaded by ./index only when
 * tracing starts): a tracer provider with the W3C trace context propagator,
 * spans batched to the OTLP endpoint (OTEL_EXPORTER_OTLP_*; http/protobuf, or
 * http/json when OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL says so),
 * and the instrumentations of the libraries a request goes through:
 *   http     every server span, and the gateway's proxied calls to the services
 *   undici   fetch, which the typed service clients use (activities → services)
 *   express  the route of each request (the span's name and http.route)
 *   pg       each SQL statement, its text with every literal masked: MikroORM
 *            inlines the values (e-mails, addresses, token hashes) into the SQL
 * Probes and scrapes (/health, /ready, /metrics) make no trace, and neither
 * does a background job's SQL or call with no request around it (the outbox
 * relay, every second): a trace is a request's.
 */
import type { IncomingMessage } from 'node:http';
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { getRPCMetadata } from '@opentelemetry/core';
import { OTLPTraceExporter as OTLPJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Tracing, TracingOptions } from './index';

/** The attribute the request id (x-request-id) is kept in, on server spans. */
export const REQUEST_ID_ATTRIBUTE = 'shop.request_id';

/**
 * SQL with its literals (quoted strings, numbers) as `?`; identifiers, keywords and
 * `$n` placeholders stay. Applied to each statement a span records: the values
 * MikroORM writes into its SQL are customers' data and secrets.
 */
export function maskSqlLiterals(sql: string): string {
  return sql.replace(/'(?:[^']|'')*'|(?<![\w$".])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?\b/gi, '?');
}

/** Where the pg instrumentation puts a statement's text (the current convention's and, when opted in, the old one's). */
const STATEMENT_ATTRIBUTES = ['db.query.text', 'db.statement'];

const UNTRACED_PATHS = new Set(['/health', '/ready', '/metrics']);

function untracedRequest(req: IncomingMessage): boolean {
  const url = req.url ?? '';
  const mark = url.indexOf('?');
  return UNTRACED_PATHS.has(mark < 0 ? url : url.slice(0, mark));
}

/** The OTLP exporter for the protocol the environment names (the spec's variables); gRPC is not shipped. */
export function otlpTraceExporter(env: Record<string, string | undefined> = process.env): SpanExporter {
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || 'http/protobuf').trim().toLowerCase();
  if (protocol === 'http/protobuf') return new OTLPTraceExporter();
  if (protocol === 'http/json') return new OTLPJsonTraceExporter();
  throw new Error(`OTEL_EXPORTER_OTLP_PROTOCOL "${protocol}" is not supported: use http/protobuf (the default) or http/json`);
}

export function startTracingSdk({ serviceName, spanProcessor }: TracingOptions): Tracing {
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (envDetector) have the last word.
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName, 'service.namespace': 'temporal-shop' }).merge(
    detectResources({ detectors: [envDetector] }),
  );
  const processor = spanProcessor ?? new BatchSpanProcessor(otlpTraceExporter());
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  provider.register();
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: untracedRequest, requireParentforOutgoingSpans: true }),
      new UndiciInstrumentation({ requireParentforSpans: true }),
      // Routers and request handlers; a span for each middleware (body parser, helmet, ...) would bury them.
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE] }),
      new PgInstrumentation({
        requireParentSpan: true,
        enhancedDatabaseReporting: false,
        requestHook(span, { query }) {
          const masked = maskSqlLiterals(query.text);
          for (const attribute of STATEMENT_ATTRIBUTES) span.setAttribute(attribute, masked);
        },
      }),
    ],
  });

  return {
    serviceName,
    resource,
    spanProcessor: processor,
    logFields(): Record<string, string> {
      const spanContext = trace.getSpan(context.active())?.spanContext();
      return spanContext && isSpanContextValid(spanContext) ? { trace_id: spanContext.traceId, span_id: spanContext.spanId } : {};
    },
    annotateRequest(requestId) {
      // The server span of the request being handled (the http instrumentation keeps it in the context).
      getRPCMetadata(context.active())?.span?.setAttribute(REQUEST_ID_ATTRIBUTE, requestId);
    },
    async shutdown() {
      unregister();
      await provider.shutdown();
    },
  };
}
