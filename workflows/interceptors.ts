/**
 * The workflow interceptors of the checkout worker (worker/config.ts's
 * WORKFLOW_INTERCEPTOR_MODULES): the checkout's metrics (./metrics.ts), and
 * OpenTelemetry's, from @temporalio/interceptors-opentelemetry, so that a
 * checkout's workflow and the activities it schedules are spans of the trace
 * that started it. The spans leave the sandbox through the worker's `exporter`
 * sink (platform/telemetry). OpenTelemetry's workflow interceptors are made to
 * run in the sandbox (eslint.config.mjs lets this module import them).
 *
 * Two guards around them, both for replay:
 * - A workflow traces only when the call that started it carried a trace
 *   context (the `_tracer-data` header the client interceptor sets, kept in the
 *   history); an update, signal or query traces when its own call did. The
 *   decision is read from the history, so a replay takes it again the same way,
 *   and a checkout started without tracing runs exactly as with no interceptor
 *   at all: the histories recorded before tracing existed replay unchanged, and
 *   a worker without tracing does no tracing work in the sandbox.
 * - OpenTelemetry's ids come from Math.random, which in a workflow is the
 *   workflow's own seeded sequence: the spans would shift the ids the workflow
 *   draws after them (uuid4). They draw from a stream of their own instead
 *   (getRandomStream), which leaves the workflow's sequence as it was.
 *
 * OpenTelemetry's workflow module (with @opentelemetry/api and sdk-trace-base)
 * is loaded only by a workflow that traces, when it first does. The sandbox
 * evaluates a workflow's modules again for every workflow it runs (the SDK's
 * reusable context shares only what its bootstrap loaded), and evaluating
 * those took a tenth to a fifth of the workflow thread's CPU for checkouts not
 * traced at all. The `require` below is a plain CommonJS one, which webpack
 * puts in the bundle as it does an import; loading a module adds nothing to
 * the history, so replay does not see when it happens.
 */
import {
  getRandomStream,
  type Next,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptors,
  type WorkflowInternalsInterceptor,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import type { Headers } from '@temporalio/common';
import type * as OpenTelemetryWorkflow from '@temporalio/interceptors-opentelemetry/lib/workflow';
import { CheckoutMetricsInbound, CheckoutMetricsOutbound } from './metrics';

const RANDOM_STREAM = 'opentelemetry';

/**
 * The header OpenTelemetry's client interceptor writes the trace context to (TRACE_HEADER of
 * @temporalio/interceptors-opentelemetry/lib/instrumentation, which would load @opentelemetry/api
 * into every workflow; test/workflows/interceptors.test.ts keeps the two the same).
 */
export const TRACE_HEADER = '_tracer-data';

function carriesTrace(headers: Headers): boolean {
  return headers[TRACE_HEADER] !== undefined;
}

/** This workflow's OpenTelemetry module, once it traced something (modules are per workflow in the sandbox). */
let openTelemetry: typeof OpenTelemetryWorkflow | undefined;

function loadOpenTelemetry(): typeof OpenTelemetryWorkflow {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred to the first traced call (see above)
  return (openTelemetry ??= require('@temporalio/interceptors-opentelemetry/lib/workflow') as typeof OpenTelemetryWorkflow);
}

export const interceptors = (): WorkflowInterceptors => {
  const random = getRandomStream(RANDOM_STREAM);
  // Made on first use: a workflow that is not traced never loads nor builds them.
  let inbound: OpenTelemetryWorkflow.OpenTelemetryInboundInterceptor | undefined;
  let outbound: OpenTelemetryWorkflow.OpenTelemetryOutboundInterceptor | undefined;
  const otelInbound = () => (inbound ??= random.with(() => new (loadOpenTelemetry().OpenTelemetryInboundInterceptor)()));
  const otelOutbound = () => (outbound ??= random.with(() => new (loadOpenTelemetry().OpenTelemetryOutboundInterceptor)()));
  /** Whether the workflow's start carried a trace context; what it schedules is then traced too. */
  let traced = false;

  const tracedInbound: WorkflowInboundCallsInterceptor = {
    execute(input, next) {
      traced = carriesTrace(input.headers);
      return traced ? random.with(() => otelInbound().execute(input, next)) : next(input);
    },
    handleSignal(input, next) {
      return carriesTrace(input.headers) ? random.with(() => otelInbound().handleSignal(input, next)) : next(input);
    },
    handleUpdate(input, next) {
      return carriesTrace(input.headers) ? random.with(() => otelInbound().handleUpdate(input, next)) : next(input);
    },
    validateUpdate(input, next) {
      if (carriesTrace(input.headers)) random.with(() => otelInbound().validateUpdate(input, next));
      else next(input);
    },
    handleQuery(input, next) {
      return carriesTrace(input.headers) ? random.with(() => otelInbound().handleQuery(input, next)) : next(input);
    },
  };

  /** The outbound calls OpenTelemetry traces, when the workflow is traced. */
  function whenTraced<K extends 'scheduleActivity' | 'scheduleLocalActivity' | 'startChildWorkflowExecution' | 'signalWorkflow' | 'continueAsNew'>(
    method: K,
  ): NonNullable<WorkflowOutboundCallsInterceptor[K]> {
    const call = (input: unknown, next: (input: unknown) => unknown) =>
      traced ? random.with(() => (otelOutbound()[method] as (input: unknown, next: unknown) => unknown)(input, next)) : next(input);
    return call as unknown as NonNullable<WorkflowOutboundCallsInterceptor[K]>;
  }

  const tracedOutbound: WorkflowOutboundCallsInterceptor = {
    scheduleActivity: whenTraced('scheduleActivity'),
    scheduleLocalActivity: whenTraced('scheduleLocalActivity'),
    startChildWorkflowExecution: whenTraced('startChildWorkflowExecution'),
    signalWorkflow: whenTraced('signalWorkflow'),
    continueAsNew: whenTraced('continueAsNew'),
    // The workflow's log lines carry the trace id too.
    getLogAttributes(input, next: Next<WorkflowOutboundCallsInterceptor, 'getLogAttributes'>) {
      return traced ? otelOutbound().getLogAttributes(input, next) : next(input);
    },
  };

  // Releases OpenTelemetry's context manager when the workflow leaves the cache, as the package's own module does (if it was loaded).
  const tracedInternals: WorkflowInternalsInterceptor = {
    dispose(input, next) {
      if (openTelemetry) void new openTelemetry.OpenTelemetryInternalsInterceptor().dispose(input, next);
      else next(input);
    },
  };

  return {
    inbound: [new CheckoutMetricsInbound(), tracedInbound],
    outbound: [new CheckoutMetricsOutbound(), tracedOutbound],
    internals: [tracedInternals],
  };
};
