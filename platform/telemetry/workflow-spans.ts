/**
 * The worker's `exporter` sink: the spans a traced workflow makes in its
 * sandbox (workflows/interceptors.ts) come out through it, once the workflow
 * task is done and never while a workflow replays, and go to this process's
 * span processor with the worker's resource.
 *
 * The sandbox runs the OpenTelemetry 1.x tracer that
 * @temporalio/interceptors-opentelemetry bundles, and its spans have the 1.x
 * shape (`parentSpanId`, `instrumentationLibrary`); the Node SDK here is 2.x,
 * whose exporters read `parentSpanContext` and `instrumentationScope`. They are
 * converted on the way, or the workflow's spans would lose their parents.
 *
 * Every worker registers the sink, tracing or not: a checkout started by a
 * traced client traces in the sandbox whatever the worker does, and an
 * unregistered sink is an error in the worker's log. Without tracing the spans
 * are dropped.
 */
import { createTraceState, type Attributes, type SpanContext } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { WorkflowInfo } from '@temporalio/workflow';
import type { InjectedSinks } from '@temporalio/worker';
import type { OpenTelemetryWorkflowExporter, SerializableSpan } from '@temporalio/interceptors-opentelemetry/lib/workflow/definitions';
import { activeTracing, type Tracing } from './index';

export type WorkflowSpanSinks = InjectedSinks<{ exporter: OpenTelemetryWorkflowExporter }>;

/** What identifies the workflow on each of its spans (not its memo or search attributes, which the SDK's own sink copies too). */
function workflowAttributes(info: WorkflowInfo): Attributes {
  return {
    temporalWorkflowId: info.workflowId,
    run_id: info.runId,
    temporalWorkflowType: info.workflowType,
    temporalNamespace: info.namespace,
    temporalTaskQueue: info.taskQueue,
  };
}

/** The 1.x span as serialised by the sandbox, read as a 2.x ReadableSpan. */
export function readableWorkflowSpan(serialized: SerializableSpan, info: WorkflowInfo, tracing: Pick<Tracing, 'resource'>): ReadableSpan {
  const { spanContext: serializedContext, parentSpanId, instrumentationLibrary, attributes, ...rest } = serialized as SerializableSpan & {
    parentSpanId?: string;
    instrumentationLibrary?: { name: string; version?: string };
  };
  const { traceState, ...restContext } = serializedContext;
  const spanContext: SpanContext = { ...restContext, ...(traceState ? { traceState: createTraceState(traceState) } : {}) };
  return {
    ...rest,
    attributes: { ...attributes, ...workflowAttributes(info) },
    spanContext: () => spanContext,
    parentSpanContext: parentSpanId ? { traceId: spanContext.traceId, spanId: parentSpanId, traceFlags: spanContext.traceFlags } : undefined,
    instrumentationScope: instrumentationLibrary ?? { name: '@temporalio/interceptor-workflow' },
    resource: tracing.resource,
  } as ReadableSpan;
}

export function workflowSpanSinks(tracing: Tracing | undefined = activeTracing()): WorkflowSpanSinks {
  return {
    exporter: {
      export: {
        fn: (info, spans) => {
          if (!tracing) return;
          for (const span of spans) tracing.spanProcessor.onEnd(readableWorkflowSpan(span, info, tracing));
        },
      },
    },
  };
}
