/**
 * The workflow interceptors' tracing (workflows/interceptors.ts) on the
 * time-skipping server: a checkout started by a traced client makes its
 * workflow and activity spans in the sandbox, under the client's trace, and
 * its history replays; a checkout started without a trace context makes none,
 * and OpenTelemetry's workflow module is then never loaded into its sandbox
 * (the CPU it costs every workflow run, docs/benchmarks.md).
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Client } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client';
import { TRACE_HEADER as PACKAGE_TRACE_HEADER } from '@temporalio/interceptors-opentelemetry/lib/instrumentation';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { startTracing, stopTracing } from '../../platform/telemetry';
import { workflowSpanSinks } from '../../platform/telemetry/workflow-spans';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../../worker/config';
import { checkoutWorkflow } from '../../workflows';
import { TRACE_HEADER } from '../../workflows/interceptors';
import { checkoutWorkflowId, getCheckoutStateQuery } from '../../workflows/messages';
import type { openTelemetryLoaded } from './fixtures/tracing-probe';
import { bundleWorkflows, checkoutInput, startTestEnvironment, succeedingActivities } from './support';

let env: TestWorkflowEnvironment;
let checkoutBundle: WorkflowBundleWithSourceMap;
let probeBundle: WorkflowBundleWithSourceMap;
const exported = new InMemorySpanExporter();
/** A client whose calls carry the active trace context, as the gateway's do when the shop traces. */
let tracedClient: Client;

beforeAll(async () => {
  startTracing({ serviceName: 'interceptors-test', spanProcessor: new SimpleSpanProcessor(exported) });
  [env, checkoutBundle, probeBundle] = await Promise.all([
    startTestEnvironment(),
    bundleWorkflows(),
    bundleWorkflowCode({
      workflowsPath: path.join(__dirname, 'fixtures', 'tracing-probe.ts'),
      workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
      logger: { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: (message: string) => console.error(message), log: () => undefined },
    }),
  ]);
  tracedClient = new Client({ connection: env.connection, namespace: env.namespace, interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } });
}, 120_000);

afterAll(async () => {
  await env?.teardown();
  await stopTracing();
});

function spansOfWorkflow(workflowId: string): ReadableSpan[] {
  return exported.getFinishedSpans().filter((span) => span.attributes.temporalWorkflowId === workflowId);
}

it("reads the trace context from OpenTelemetry's own header", () => {
  expect(TRACE_HEADER).toBe(PACKAGE_TRACE_HEADER);
});

describe('a checkout', () => {
  async function runCheckout(client: Client) {
    const taskQueue = `interceptors-test-${randomUUID()}`;
    const checkout = checkoutInput();
    const workflowId = checkoutWorkflowId(checkout.checkoutId);
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: checkoutBundle,
      activities: succeedingActivities(),
      sinks: workflowSpanSinks(),
    });
    const { result, history, state } = await worker.runUntil(async () => {
      // Started in a span of the test's, as the gateway starts it in its request's.
      const handle = await trace.getTracer('interceptors-test').startActiveSpan('test', async (span) => {
        try {
          return await client.workflow.start(checkoutWorkflow, { taskQueue, workflowId, args: [checkout] });
        } finally {
          span.end();
        }
      });
      const result = await handle.result();
      return { result, state: await handle.query(getCheckoutStateQuery), history: await handle.fetchHistory() };
    });
    return { workflowId, result, history, state };
  }

  it('started by a traced client traces its workflow and each activity, under the caller\'s trace, and replays', async () => {
    const { workflowId, result, history } = await runCheckout(tracedClient);
    expect(result.status).toBe('completed');

    const spans = spansOfWorkflow(workflowId);
    const names = spans.map((span) => span.name);
    expect(names).toEqual(expect.arrayContaining(['RunWorkflow:checkoutWorkflow', 'StartActivity:reserveInventory', 'StartActivity:chargePayment', 'StartActivity:createOrder']));
    const started = exported.getFinishedSpans().find((span) => span.name === 'StartWorkflow:checkoutWorkflow' && span.attributes.temporalWorkflowId === workflowId);
    expect(started).toBeDefined();
    // Made in the sandbox: the workflow's run, under the client's start, and each activity's start, under the run.
    const run = spans.find((span) => span.name === 'RunWorkflow:checkoutWorkflow')!;
    expect(run.parentSpanContext?.spanId).toBe(started!.spanContext().spanId);
    const activities = spans.filter((span) => span.name.startsWith('StartActivity:'));
    expect(activities.map((span) => span.parentSpanContext?.spanId)).toEqual(activities.map(() => run.spanContext().spanId));
    expect(new Set([run, ...activities].map((span) => span.spanContext().traceId))).toEqual(new Set([started!.spanContext().traceId]));

    await Worker.runReplayHistory({ workflowBundle: checkoutBundle, sinks: workflowSpanSinks() }, history, workflowId);
  });

  it('started without a trace context makes no span, and its history replays', async () => {
    const { workflowId, result, history, state } = await runCheckout(env.client);
    expect(result.status).toBe('completed');
    expect(state.status).toBe('completed');
    expect(spansOfWorkflow(workflowId)).toEqual([]);

    await Worker.runReplayHistory({ workflowBundle: checkoutBundle, sinks: workflowSpanSinks() }, history, workflowId);
  });
});

it("loads OpenTelemetry's workflow module only into a workflow that traces, on the same reused sandbox", async () => {
  const taskQueue = `interceptors-probe-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: probeBundle, sinks: workflowSpanSinks() });
  const loaded = await worker.runUntil(async () => {
    const run = (client: Client) => client.workflow.execute<typeof openTelemetryLoaded>('openTelemetryLoaded', { taskQueue, workflowId: `probe-${randomUUID()}` });
    return { untraced: await run(env.client), traced: await run(tracedClient), untracedAfterTraced: await run(env.client) };
  });
  expect(loaded).toEqual({ untraced: false, traced: true, untracedAfterTraced: false });
});
