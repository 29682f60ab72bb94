/**
 * What a checkout's durable record buys, through the gateway on a real Temporal
 * dev server with every service running: many submits of one key make one
 * checkout with one outcome update; the checkout reads without a worker and
 * after Temporal has forgotten it, and its key never starts a second one; a
 * reset to the first workflow task finds the same order and refunds nothing.
 */
import { randomUUID } from 'node:crypto';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal as proto } from '@temporalio/proto';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { devServerExecutable } from '../../dev/temporal-binaries';
import { SEARCH_ATTRIBUTES } from '../../temporal.config';
import { checkoutWorkflowId, type CheckoutResult } from '../../workflows/messages';
import { TEST_CARDS } from '../../scripts/demo-data';
import { startGateway } from '../../gateway/main';
import { api, SHIPPING_ADDRESS, signUpAndLogIn, startShop, stockProduct, tokeniseCard, type Shop } from './support';
import { testDataConverter } from '../support/temporal-codec';

jest.setTimeout(180_000);

const { EventType } = proto.api.enums.v1;
const FORGOTTEN = 'forgotten';

let temporal: TestWorkflowEnvironment;
let shop: Shop;
let gateway: string;

beforeAll(async () => {
  let bundle: WorkflowBundleWithSourceMap;
  [temporal, bundle] = await Promise.all([
    TestWorkflowEnvironment.createLocal({
      // "forgotten": a namespace where no checkout ever ran, as one looks once Temporal's retention has passed.
      server: { executable: devServerExecutable(), searchAttributes: Object.values(SEARCH_ATTRIBUTES), extraArgs: ['--namespace', FORGOTTEN] },
      client: { dataConverter: testDataConverter() },
    }),
    bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never }),
  ]);
  shop = await startShop({ temporalAddress: temporal.address, connection: temporal.nativeConnection, workflowBundle: bundle });
  gateway = shop.gateway.url;
});

afterAll(async () => {
  await shop?.stop();
  await temporal?.teardown();
});

/** A shopper with `quantity` of a fresh product in the cart and a good card. */
async function readyShopper(quantity = 1) {
  const sku = `RECORD-${randomUUID().slice(0, 8)}`.toUpperCase();
  await stockProduct(gateway, sku, 1500, 20);
  const shopper = await signUpAndLogIn(gateway);
  expect((await api(gateway, 'PUT', `/carts/${shopper.id}/items/${sku}`, { token: shopper.token, body: { quantity } })).status).toBe(200);
  const card = await tokeniseCard(gateway, shopper.token, TEST_CARDS.success);
  const submit = (key: string, via = gateway) =>
    api(via, 'POST', '/checkouts', { token: shopper.token, headers: { 'idempotency-key': key }, body: { paymentMethodId: card, shippingAddress: SHIPPING_ADDRESS } });
  return { shopper, sku, card, submit };
}

const historyOf = async (checkoutId: string) => (await temporal.client.workflow.getHandle(checkoutWorkflowId(checkoutId)).fetchHistory()).events ?? [];
const count = (events: proto.api.history.v1.IHistoryEvent[], type: proto.api.enums.v1.EventType) => events.filter((event) => event.eventType === type).length;

async function moneyOf(shopper: { id: string; token: string }) {
  const orders = (await api(gateway, 'GET', '/orders', { token: shopper.token })).body.items as { id: string }[];
  const charges = (await api(gateway, 'GET', `/charges?customerId=${shopper.id}`, { token: shopper.token })).body.items as { status: string; amountRefunded: number }[];
  return { orders, charges };
}

it('fifty submits of one key at once make one checkout with one outcome update, and fifty answers, none 5xx', async () => {
  const { shopper, submit } = await readyShopper();
  const key = randomUUID();
  const answers = await Promise.all(Array.from({ length: 50 }, () => submit(key)));
  expect(answers.filter((answer) => answer.status >= 500)).toEqual([]);
  expect(new Set(answers.map((answer) => answer.body.id ?? answer.body.checkoutId))).toHaveProperty('size', 1);
  const checkoutId = answers[0]!.body.id as string;
  const result = (await temporal.client.workflow.getHandle(checkoutWorkflowId(checkoutId)).result()) as CheckoutResult;
  expect(result.status).toBe('completed');
  const events = await historyOf(checkoutId);
  expect(count(events, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)).toBe(1);
  const { orders, charges } = await moneyOf(shopper);
  expect(orders).toHaveLength(1);
  expect(charges).toEqual([expect.objectContaining({ status: 'succeeded', amountRefunded: 0 })]);
});

it('answers GET /checkouts/{id} with no worker running, from the record and Temporal', async () => {
  const { shopper, submit } = await readyShopper();
  // The shop's gateway waits long for outcomes (a busy machine is slow); this one answers 202 soon.
  const impatient = await startGateway({ ...shop.env, GATEWAY_PORT: '0', GATEWAY_CHECKOUT_PER_MINUTE: '1000', GATEWAY_CHECKOUT_WAIT_MS: '1000' });
  await shop.stopWorker();
  try {
    const started = await submit(randomUUID(), impatient.url);
    expect(started.status).toBe(202);
    const waiting = await api(gateway, 'GET', started.body.statusUrl, { token: shopper.token });
    expect(waiting.status).toBe(200);
    expect(waiting.body).toMatchObject({ id: started.body.id, customerId: shopper.id, status: 'running', step: 'started' });
  } finally {
    await Promise.all([shop.startWorker(), impatient.stop()]);
  }
  const { shopper: other, submit: otherSubmit } = await readyShopper();
  const paid = await otherSubmit(randomUUID());
  expect(paid.status).toBe(201);
  await shop.stopWorker();
  try {
    const read = await api(gateway, 'GET', paid.body.statusUrl, { token: other.token });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: paid.body.id, orderId: paid.body.orderId });
  } finally {
    await shop.startWorker();
  }
});

it("keeps a key's outcome after Temporal has forgotten the checkout, and never starts it again", async () => {
  const { shopper, sku, card: paidCard, submit } = await readyShopper();
  const key = randomUUID();
  const paid = await submit(key);
  expect(paid.status).toBe(201);
  await temporal.client.workflow.getHandle(checkoutWorkflowId(paid.body.id)).result();

  // A gateway whose Temporal never had the workflow sees what every gateway sees once the retention period is over.
  const forgetful = await startGateway({ ...shop.env, TEMPORAL_NAMESPACE: FORGOTTEN, GATEWAY_PORT: '0', GATEWAY_CHECKOUT_PER_MINUTE: '1000' });
  try {
    const read = await api(forgetful.url, 'GET', paid.body.statusUrl, { token: shopper.token });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: paid.body.id, status: 'completed', step: 'done', orderId: paid.body.orderId, total: { amount: 1500, currency: 'USD' } });

    // The cart is full again; the same key still means the same, finished checkout.
    expect((await api(forgetful.url, 'PUT', `/carts/${shopper.id}/items/${sku}`, { token: shopper.token, body: { quantity: 1 } })).status).toBe(200);
    const again = await api(forgetful.url, 'POST', '/checkouts', {
      token: shopper.token,
      headers: { 'idempotency-key': key },
      body: { paymentMethodId: paidCard, shippingAddress: SHIPPING_ADDRESS },
    });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ id: paid.body.id, orderId: paid.body.orderId });
  } finally {
    await forgetful.stop();
  }
  const forgotten = new Client({ connection: temporal.client.connection, namespace: FORGOTTEN });
  await expect(forgotten.workflow.getHandle(checkoutWorkflowId(paid.body.id)).describe()).rejects.toThrow(WorkflowNotFoundError);
  const { orders, charges } = await moneyOf(shopper);
  expect(orders).toHaveLength(1);
  expect(charges).toHaveLength(1);
});

it('a reset to the first workflow task finds the same order and refunds nothing', async () => {
  const { shopper, submit } = await readyShopper(2);
  const paid = await submit(randomUUID());
  expect(paid.status).toBe(201);
  const handle = temporal.client.workflow.getHandle(checkoutWorkflowId(paid.body.id));
  await handle.result();
  const events = await handle.fetchHistory();
  const firstTask = events.events!.find((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)!;
  const { runId } = await temporal.client.workflowService.resetWorkflowExecution({
    namespace: 'default',
    workflowExecution: { workflowId: handle.workflowId },
    workflowTaskFinishEventId: firstTask.eventId,
    reason: 'test: recover from the first workflow task',
    requestId: randomUUID(),
  });
  const result = (await temporal.client.workflow.getHandle(handle.workflowId, runId!).result()) as CheckoutResult;
  expect(result).toMatchObject({ status: 'completed', orderId: paid.body.orderId });
  const { orders, charges } = await moneyOf(shopper);
  expect(orders.map((order) => order.id)).toEqual([paid.body.orderId]);
  expect(charges).toEqual([expect.objectContaining({ status: 'succeeded', amountRefunded: 0 })]);
});
