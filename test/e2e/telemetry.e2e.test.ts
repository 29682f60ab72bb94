/**
 * One checkout through the gateway, traced and measured as the shop runs in
 * production: every part its own process (the parts `npm start` runs, from the
 * sources, on an embedded PostgreSQL and a Temporal dev server: dev/chaos's
 * stack), tracing switched on only by OTEL_EXPORTER_OTLP_ENDPOINT, which points
 * at an OTLP/HTTP receiver in this test (JSON: OTEL_EXPORTER_OTLP_PROTOCOL).
 *   - one trace, from the gateway's server span through the Temporal client,
 *     the workflow and each activity, to the services' HTTP spans and a SQL
 *     statement in each service the checkout touched; the request id is on the
 *     gateway's span, the trace id in the log lines;
 *   - the traced history replays with the workflow bundle the worker runs;
 *   - every part answers /metrics with the series the README names;
 *   - no personal data (e-mail, name, phone, address, card) in any span or metric.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { ChaosStack } from '../../dev/chaos/stack';
import { PROJECT_ROOT } from '../../dev/temporal-binaries';
import { workflowSpanSinks } from '../../platform/telemetry/workflow-spans';
import { TEST_CARDS } from '../../scripts/demo-data';
import { checkoutWorkflowId } from '../../workflows/messages';
import { bundleWorkflows } from '../workflows/support';
import { eventually } from '../support/eventually';
import { testCodecEnv, testDataConverter } from '../support/temporal-codec';
import { ADMIN, api, SHIPPING_ADDRESS, signUpAndLogIn, stockProduct, tokeniseCard } from './support';

jest.setTimeout(600_000);

/** A span as OTLP/JSON carries it, with its resource's service.name. */
interface ReceivedSpan {
  service: string;
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  scope: string;
  attributes: Record<string, unknown>;
  /** The whole span and its resource as received, for the private-data check. */
  raw: string;
}

interface OtlpAnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpAnyValue[] };
}
interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}
interface OtlpExport {
  resourceSpans?: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: {
      scope?: { name?: string };
      spans?: { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: OtlpKeyValue[] }[];
    }[];
  }[];
}

function plain(value: OtlpAnyValue): unknown {
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(plain);
  return value.stringValue ?? value.intValue ?? value.doubleValue ?? value.boolValue;
}

function attributesOf(list: OtlpKeyValue[] = []): Record<string, unknown> {
  return Object.fromEntries(list.map(({ key, value }) => [key, plain(value)]));
}

/** An OTLP/HTTP receiver (POST /v1/traces, JSON), as a collector or Jaeger answers it. */
function startOtlpReceiver(spans: ReceivedSpan[]): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !String(req.headers['content-type']).startsWith('application/json')) {
        res.writeHead(415).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpExport;
      for (const resourceSpans of body.resourceSpans ?? []) {
        const resource = attributesOf(resourceSpans.resource?.attributes);
        for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
          for (const span of scopeSpans.spans ?? []) {
            spans.push({
              service: String(resource['service.name']),
              name: span.name,
              kind: span.kind,
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId || undefined,
              scope: scopeSpans.scope?.name ?? '',
              attributes: attributesOf(span.attributes),
              raw: JSON.stringify({ resource: resourceSpans.resource, span }),
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** OTLP's span kinds (SPAN_KIND_SERVER = 2, _CLIENT = 3). */
const SERVER = 2;
const CLIENT = 3;

const received: ReceivedSpan[] = [];
let receiver: Server;
let stack: ChaosStack;
let outDir: string;
let client: Client;

const shopper = { phone: '+447700900123' } as { id: string; token: string; email: string; phone: string };
const card = TEST_CARDS.success;
const requestId = `observed-${randomUUID()}`;
let checkoutId: string;
let scrapes: Record<string, { status: number; body: string }> = {};

async function scrape(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.text() };
}

beforeAll(async () => {
  receiver = await startOtlpReceiver(received);
  const address = receiver.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  // Under the project (as the chaos run's): the embedded PostgreSQL runs as its own user when root, and os.tmpdir()'s are private.
  outDir = path.join(PROJECT_ROOT, '.data', 'telemetry-test', randomUUID());
  mkdirSync(outDir, { recursive: true });
  stack = await ChaosStack.start(outDir, () => undefined, {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    // Spans leave each process a moment after they end, rather than every 5 s: the test waits less.
    OTEL_BSP_SCHEDULE_DELAY: '200',
    // The parts log as they do outside jest (with the trace id), and trace: they are not tests.
    JEST_WORKER_ID: undefined,
    LOG_LEVEL: 'info',
    BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
    BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
    ...testCodecEnv,
  });
  client = new Client({ connection: await Connection.connect({ address: stack.temporalAddress }), namespace: stack.plan.temporal.namespace, dataConverter: testDataConverter() });

  const gateway = stack.gatewayUrl;
  const sku = `TRACED-${randomUUID().slice(0, 8)}`.toUpperCase();
  await stockProduct(gateway, sku, 1250, 5);
  Object.assign(shopper, await signUpAndLogIn(gateway, shopper.phone));
  const filled = await api(gateway, 'PUT', `/carts/${shopper.id}/items/${sku}`, { token: shopper.token, body: { quantity: 2 } });
  expect(filled.status).toBe(200);
  const paymentMethodId = await tokeniseCard(gateway, shopper.token, card);
  const placed = await api(gateway, 'POST', '/checkouts', {
    token: shopper.token,
    headers: { 'idempotency-key': randomUUID(), 'x-request-id': requestId },
    body: { paymentMethodId, shippingAddress: SHIPPING_ADDRESS },
  });
  expect(placed.status).toBe(201);
  checkoutId = placed.body.id as string;
  await client.workflow.getHandle(checkoutWorkflowId(checkoutId)).result();

  // Each process sends its spans in batches, the worker the workflow's once its last task is done.
  await eventually(
    'the spans of the workflow and of each service',
    async () => {
      const services = new Set(received.map((span) => span.service));
      const done = received.some((span) => span.name === 'RunWorkflow:checkoutWorkflow') && ['gateway', 'worker', 'cart', 'inventory', 'payments', 'orders', 'notifications'].every((name) => services.has(name));
      return done || undefined;
    },
    120_000,
  );

  const parts: Record<string, string> = {
    ...Object.fromEntries(stack.plan.services.map((service) => [service.name, `${service.url}/metrics`])),
    gateway: `http://127.0.0.1:${stack.plan.gatewayMetricsPort}/metrics`,
    'gateway-public': `${gateway}/metrics`,
    worker: `http://127.0.0.1:${stack.plan.workerHealthPort}/metrics`,
    'worker-sdk': `http://127.0.0.1:${stack.plan.workerSdkMetricsPort}/metrics`,
    'codec-server': `http://127.0.0.1:${stack.plan.codecServer.port}/metrics`,
  };
  // The SDK's metrics are exported every second or so: wait for the checkout's end to be among them.
  await eventually('the checkout in the SDK metrics', async () => (/^checkout_completed\{[^}]*\} 1$/m.test((await scrape(parts['worker-sdk']!)).body) ? true : undefined), 60_000);
  scrapes = {};
  for (const [part, url] of Object.entries(parts)) scrapes[part] = await scrape(url);
});

afterAll(async () => {
  await client?.connection.close();
  await stack?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe('the trace of one checkout', () => {
  const root = () => {
    const roots = received.filter((span) => span.service === 'gateway' && span.kind === SERVER && span.attributes['shop.request_id'] === requestId);
    expect(roots).toHaveLength(1);
    return roots[0]!;
  };
  const trace = () => received.filter((span) => span.traceId === root().traceId);
  const ancestors = (span: ReceivedSpan): ReceivedSpan[] => {
    const byId = new Map(trace().map((each) => [each.spanId, each]));
    const chain: ReceivedSpan[] = [];
    for (let parent = span.parentSpanId && byId.get(span.parentSpanId); parent; parent = parent.parentSpanId && byId.get(parent.parentSpanId)) chain.push(parent);
    return chain;
  };

  it("starts at the gateway's server span for POST /checkouts, which carries the request id", () => {
    expect(root()).toMatchObject({ parentSpanId: undefined, attributes: expect.objectContaining({ 'http.route': '/checkouts', 'http.request.method': 'POST' }) });
  });

  it('is one tree across the processes: every span of it hangs from the gateway span', () => {
    const spans = trace();
    expect([...new Set(spans.map((span) => span.service))]).toEqual(expect.arrayContaining(['gateway', 'worker', 'cart', 'inventory', 'payments', 'orders', 'notifications']));
    const orphans = spans.filter((span) => span !== root() && ancestors(span).at(-1)?.spanId !== root().spanId);
    expect(orphans.map((span) => `${span.service}: ${span.name}`)).toEqual([]);
  });

  it('goes through the Temporal client, the workflow and each activity', () => {
    const names = trace().map((span) => span.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'UpdateWithStartWorkflow:awaitOutcome',
        'RunWorkflow:checkoutWorkflow',
        ...['lockCart', 'reserveInventory', 'chargePayment', 'createOrder', 'commitInventory', 'completeCart', 'notifyCustomer'].flatMap((activity) => [
          `StartActivity:${activity}`,
          `RunActivity:${activity}`,
        ]),
      ]),
    );
    const run = trace().find((span) => span.name === 'RunActivity:chargePayment')!;
    expect(run.service).toBe('worker');
    expect(ancestors(run).map((span) => span.name)).toEqual(
      expect.arrayContaining(['StartActivity:chargePayment', 'RunWorkflow:checkoutWorkflow', 'UpdateWithStartWorkflow:awaitOutcome']),
    );
  });

  it("reaches each service's HTTP API and database through the activity that called it", () => {
    for (const [service, activity] of [
      ['cart', 'lockCart'],
      ['inventory', 'reserveInventory'],
      ['payments', 'chargePayment'],
      ['orders', 'createOrder'],
      ['notifications', 'notifyCustomer'],
    ] as const) {
      const server = trace().find((span) => span.service === service && span.kind === SERVER && ancestors(span).some((parent) => parent.name === `RunActivity:${activity}`));
      expect([service, server && ancestors(server)[0]?.kind]).toEqual([service, CLIENT]);
      const statement = trace().find((span) => span.service === service && span.scope === '@opentelemetry/instrumentation-pg' && ancestors(span).includes(server!));
      expect([service, statement?.attributes['db.system.name'] ?? statement?.attributes['db.system']]).toEqual([service, 'postgresql']);
    }
  });

  it('replays: the traced history replays with the bundle the worker runs', async () => {
    const workflowId = checkoutWorkflowId(checkoutId);
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    await expect(Worker.runReplayHistory({ workflowBundle: await bundleWorkflows(), dataConverter: testDataConverter(), sinks: workflowSpanSinks(undefined) }, history, workflowId)).resolves.toBeUndefined();
  });

  it('is in the log lines: the gateway logged the checkout request with its trace and span ids, the services theirs with the same trace id', () => {
    const log = (part: string) => readFileSync(path.join(outDir, 'logs', `${part}.log`), 'utf8');
    const { traceId, spanId } = root();
    expect(log('gateway')).toContain(`request completed POST /checkouts -> 201`);
    expect(log('gateway')).toContain(`"trace_id":"${traceId}","span_id":"${spanId}"`);
    for (const part of ['cart', 'inventory', 'payments', 'orders']) expect([part, log(part).includes(`"trace_id":"${traceId}"`)]).toEqual([part, true]);
  });
});

describe('the metrics after that checkout', () => {
  const series = (part: string) => scrapes[part]!.body;

  it('answer on every part, with the series each part owns', () => {
    for (const part of ['users', 'catalog', 'cart', 'orders', 'payments', 'inventory', 'notifications', 'gateway', 'codec-server', 'worker', 'worker-sdk']) {
      expect([part, scrapes[part]?.status]).toEqual([part, 200]);
    }
    expect(series('orders')).toMatch(/^http_server_request_duration_seconds_count\{service="orders",method="PUT",route="\/orders\/:orderId",status="201"\} [1-9]/m);
    expect(series('orders')).toMatch(/^db_pool_connections\{service="orders",state="used"\} \d+/m);
    expect(series('orders')).toMatch(/^db_pool_connections\{service="orders",state="pending"\} \d+/m);
    expect(series('orders')).toMatch(/^orders_outbox_pending_events \d+/m);
    expect(series('notifications')).toMatch(/^notifications_failing_deliveries\{channel="email"\} 0/m);
    expect(series('gateway')).toMatch(/^http_server_request_duration_seconds_count\{service="gateway",method="POST",route="\/checkouts",status="201"\} 1$/m);
    expect(series('worker')).toMatch(/^checkouts_waiting_for_support 0$/m);
    expect(series('worker')).toMatch(/^process_cpu_seconds_total /m);
  });

  it('label requests with the route pattern, never the URL', () => {
    expect(series('gateway')).toMatch(/route="\/carts\/:customerId\/items\/:sku"/);
    for (const body of Object.values(scrapes).map((scrape) => scrape.body)) {
      expect(body).not.toContain(checkoutId);
      expect(body).not.toContain(shopper.id);
      expect(body).not.toMatch(/route="[^"]*TRACED-/);
    }
  });

  it("count the checkout in the worker's SDK metrics: started, completed, its time and each step's", () => {
    const sdk = series('worker-sdk');
    expect(sdk).toMatch(/^checkout_started\{[^}]*\} 1$/m);
    expect(sdk).toMatch(/^checkout_completed\{[^}]*\} 1$/m);
    expect(sdk).toMatch(/^checkout_duration_count\{[^}]*outcome="completed"[^}]*\} 1$/m);
    expect(sdk).toMatch(/^checkout_step_duration_count\{[^}]*outcome="completed"[^}]*step="chargePayment"[^}]*\} 1$/m);
    // Emptying the cart and the e-mail are local activities, timed under the same label (so is the charge, tried in the worker first).
    expect(sdk).toMatch(/^checkout_step_duration_count\{[^}]*outcome="completed"[^}]*step="completeCart"[^}]*\} 1$/m);
    // And the SDK's own, which the dashboard's activity failures come from: the charge went through in the worker, the stock commit is an activity.
    expect(sdk).toMatch(/^temporal_local_activity_execution_latency_count\{[^}]*activity_type="chargePayment"/m);
    expect(sdk).toMatch(/^temporal_activity_execution_latency_count\{[^}]*activity_type="commitInventory"/m);
  });

  it('are not for shoppers: the gateway serves none on its public port', () => {
    expect(scrapes['gateway-public']!.status).toBe(404);
    expect(scrapes['gateway-public']!.body).not.toContain('http_server_request_duration_seconds');
  });
});

describe('personal data', () => {
  /** What identifies the shopper as a person: never in a span (attributes, events, resource) or a metric. */
  const personal = () => [shopper.email, shopper.phone, 'Shopper', SHIPPING_ADDRESS.name, SHIPPING_ADDRESS.line1, SHIPPING_ADDRESS.postalCode, card];

  it('is in no span of the checkout, nor of anything else the shop traced', () => {
    expect(received.length).toBeGreaterThan(50);
    for (const span of received) {
      for (const value of personal()) expect([span.service, span.name, span.raw.includes(value) ? value : undefined]).toEqual([span.service, span.name, undefined]);
    }
  });

  it('is in no metric of any part', () => {
    for (const [part, scrape] of Object.entries(scrapes)) {
      for (const value of personal()) expect([part, scrape.body.includes(value) ? value : undefined]).toEqual([part, undefined]);
    }
  });
});
