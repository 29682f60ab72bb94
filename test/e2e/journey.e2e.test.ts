/**
 * The shopper's whole journey through the gateway, on a real Temporal dev
 * server with every service running for real: sign up, browse, fill the cart,
 * check out (update-with-start), follow the order; a declined card; many
 * submits of one checkout; and the Temporal UI's list queries support uses.
 */
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { devServerExecutable } from '../../dev/temporal-binaries';
import { SEARCH_ATTRIBUTES } from '../../temporal.config';
import { checkoutWorkflowId } from '../../workflows/messages';
import { TEST_CARDS } from '../../scripts/demo-data';
import { api, SHIPPING_ADDRESS, signUpAndLogIn, startShop, stockProduct, tokeniseCard, type Shop, ADMIN } from './support';
import { eventually } from '../support/eventually';
import { testDataConverter } from '../support/temporal-codec';

jest.setTimeout(180_000);

let temporal: TestWorkflowEnvironment;
let shop: Shop;
let gateway: string;

beforeAll(async () => {
  let bundle: WorkflowBundleWithSourceMap;
  [temporal, bundle] = await Promise.all([
    TestWorkflowEnvironment.createLocal({
      server: { executable: devServerExecutable(), searchAttributes: Object.values(SEARCH_ATTRIBUTES) },
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

async function fillCart(token: string, customerId: string, sku: string, quantity: number) {
  const res = await api(gateway, 'PUT', `/carts/${customerId}/items/${sku}`, { token, body: { quantity } });
  expect(res.status).toBe(200);
  return res.body;
}

const checkout = (token: string, key: string, paymentMethodId: string) =>
  api(gateway, 'POST', '/checkouts', { token, headers: { 'idempotency-key': key }, body: { paymentMethodId, shippingAddress: SHIPPING_ADDRESS } });

it('a shopper signs up, browses, fills the cart, pays in one request and follows the order', async () => {
  const sku = `JOURNEY-${randomUUID().slice(0, 8)}`.toUpperCase();
  await stockProduct(gateway, sku, 1250, 10);
  const shopper = await signUpAndLogIn(gateway, '+15555550123');

  const browse = await api(gateway, 'GET', `/products?skus=${sku}`);
  expect(browse.body.items).toEqual([expect.objectContaining({ sku, price: { amount: 1250, currency: 'USD' } })]);
  const cart = await fillCart(shopper.token, shopper.id, sku, 3);
  expect(cart.total).toEqual({ amount: 3750, currency: 'USD' });

  const card = await tokeniseCard(gateway, shopper.token, TEST_CARDS.success);
  const placed = await checkout(shopper.token, randomUUID(), card);
  expect(placed.status).toBe(201);
  expect(placed.body).toMatchObject({ customerId: shopper.id, orderId: expect.any(String), total: { amount: 3750, currency: 'USD' } });
  expect(placed.headers.get('location')).toBe(`/checkouts/${placed.body.id}`);

  const followed = await api(gateway, 'GET', `/checkouts/${placed.body.id}`, { token: shopper.token });
  expect(followed.status).toBe(200);
  const order = await api(gateway, 'GET', `/orders/${placed.body.orderId}`, { token: shopper.token });
  expect(order.body).toMatchObject({ status: 'paid', customerId: shopper.id, customerPhone: '+15555550123', total: { amount: 3750 } });
  expect(order.body.statusHistory.map((change: { status: string }) => change.status)).toEqual(['placed', 'paid']);

  // The checkout finishes in the background: the cart is emptied, the stock committed, the customer told.
  const handle = temporal.client.workflow.getHandle(checkoutWorkflowId(placed.body.id));
  await handle.result();
  // Too late to cancel: refused, saying how it ended (never a 404 for a checkout that was there).
  const late = await api(gateway, 'POST', `/checkouts/${placed.body.id}/cancel`, { token: shopper.token, body: {} });
  expect(late.status).toBe(409);
  expect(late.body).toMatchObject({ type: 'not-cancellable', detail: expect.stringMatching(/already ended \(completed\)/) });
  expect((await api(gateway, 'GET', `/carts/${shopper.id}`, { token: shopper.token })).body).toMatchObject({ status: 'open', itemCount: 0 });
  expect((await api(gateway, 'GET', `/stock/${sku}`)).body).toMatchObject({ onHand: 7, reserved: 0 });
  const notified = await api(gateway, 'GET', '/notifications', { token: shopper.token });
  expect(notified.body.items).toEqual([expect.objectContaining({ template: 'order_confirmed' })]);
  expect(notified.body.items[0].deliveries.map((delivery: { channel: string }) => delivery.channel).sort()).toEqual(['email', 'sms']);

  // Staff move the order along; each move reaches the customer.
  const admin = (await api(gateway, 'POST', '/sessions', { body: ADMIN })).body.accessToken;
  expect((await api(gateway, 'POST', `/orders/${placed.body.orderId}/ship`, { token: admin, body: { note: 'DHL 123' } })).status).toBe(200);
  const shipped = await eventually('the shipped order', async () => {
    const list = await api(gateway, 'GET', '/notifications', { token: shopper.token });
    return list.body.items.find((item: { template: string; status: string }) => item.template === 'order_shipped' && item.status === 'sent');
  });
  expect(shipped).toMatchObject({ template: 'order_shipped', status: 'sent' });

  // Another customer sees none of it.
  const stranger = await signUpAndLogIn(gateway);
  expect((await api(gateway, 'GET', `/checkouts/${placed.body.id}`, { token: stranger.token })).status).toBe(404);
  expect((await api(gateway, 'GET', `/orders/${placed.body.orderId}`, { token: stranger.token })).status).toBe(404);
  expect((await api(gateway, 'GET', `/carts/${shopper.id}`, { token: stranger.token })).status).toBe(403);
});

it('a declined card is answered 402 with the reason, nothing is charged and the cart is unlocked', async () => {
  const sku = `DECLINE-${randomUUID().slice(0, 8)}`.toUpperCase();
  await stockProduct(gateway, sku, 4900, 5);
  const shopper = await signUpAndLogIn(gateway);
  await fillCart(shopper.token, shopper.id, sku, 2);
  const card = await tokeniseCard(gateway, shopper.token, TEST_CARDS.declined);

  const declined = await checkout(shopper.token, randomUUID(), card);
  expect(declined.status).toBe(402);
  expect(declined.body).toMatchObject({ type: 'payment-declined', declineReason: 'PaymentDeclined', checkoutId: expect.any(String) });

  await temporal.client.workflow.getHandle(checkoutWorkflowId(declined.body.checkoutId)).result();
  const state = await api(gateway, 'GET', `/checkouts/${declined.body.checkoutId}`, { token: shopper.token });
  expect(state.body).toMatchObject({ status: 'failed', failure: { type: 'PaymentDeclined' } });
  expect((await api(gateway, 'GET', `/carts/${shopper.id}`, { token: shopper.token })).body).toMatchObject({ status: 'open', itemCount: 2 });
  expect((await api(gateway, 'GET', `/stock/${sku}`)).body).toMatchObject({ onHand: 5, reserved: 0 });
  const charges = await api(gateway, 'GET', '/charges', { token: shopper.token });
  expect(charges.body.items.filter((charge: { status: string }) => charge.status === 'succeeded')).toEqual([]);
});

it('many submits with one key make one checkout and one charge', async () => {
  const sku = `DOUBLE-${randomUUID().slice(0, 8)}`.toUpperCase();
  await stockProduct(gateway, sku, 999, 50);
  const shopper = await signUpAndLogIn(gateway);
  await fillCart(shopper.token, shopper.id, sku, 1);
  const card = await tokeniseCard(gateway, shopper.token, TEST_CARDS.success);
  const key = randomUUID();

  const answers = await Promise.all(Array.from({ length: 10 }, () => checkout(shopper.token, key, card)));
  expect(answers.map((answer) => answer.status).filter((status) => status !== 201 && status !== 202)).toEqual([]);
  const ids = new Set(answers.map((answer) => answer.body.id));
  expect(ids.size).toBe(1);
  const [checkoutId] = [...ids];
  await temporal.client.workflow.getHandle(checkoutWorkflowId(checkoutId!)).result();

  // Once more, after it finished: the same checkout, no new one.
  const late = await checkout(shopper.token, key, card);
  expect({ status: late.status, body: late.body }).toMatchObject({ body: { id: checkoutId } });
  const charges = await api(gateway, 'GET', '/charges', { token: shopper.token });
  expect(charges.body.items.filter((charge: { status: string }) => charge.status === 'succeeded')).toHaveLength(1);
  const workflows = [];
  for await (const workflow of temporal.client.workflow.list({ query: `${SEARCH_ATTRIBUTES.CustomerId.name} = '${shopper.id}'` })) workflows.push(workflow);
  expect(workflows).toHaveLength(1);

  // The same key with another request is refused, not taken for the first one.
  const otherCard = await tokeniseCard(gateway, shopper.token, TEST_CARDS.success);
  const reused = await checkout(shopper.token, key, otherCard);
  expect(reused.status).toBe(422);
  expect(reused.body.type).toBe('idempotency-key-reused');
});

it('support finds checkouts in the UI by each search attribute', async () => {
  const sku = `FIND-${randomUUID().slice(0, 8)}`.toUpperCase();
  await stockProduct(gateway, sku, 500, 10);
  const shopper = await signUpAndLogIn(gateway);
  await fillCart(shopper.token, shopper.id, sku, 1);
  const paid = await checkout(shopper.token, randomUUID(), await tokeniseCard(gateway, shopper.token, TEST_CARDS.success));
  // The cart is the checkout's until it has finished with it.
  await temporal.client.workflow.getHandle(checkoutWorkflowId(paid.body.id)).result();
  await fillCart(shopper.token, shopper.id, sku, 1);
  const declined = await checkout(shopper.token, randomUUID(), await tokeniseCard(gateway, shopper.token, TEST_CARDS.insufficientFunds));
  // A problem names the checkout as checkoutId; a 202 (still undoing when the wait ended) as id.
  const declinedId = (declined.body.checkoutId ?? declined.body.id) as string;
  await temporal.client.workflow.getHandle(checkoutWorkflowId(paid.body.id)).result();
  await temporal.client.workflow.getHandle(checkoutWorkflowId(declinedId)).result();

  const find = async (query: string) =>
    eventually('the checkout in visibility', async () => {
      const ids: string[] = [];
      for await (const workflow of temporal.client.workflow.list({ query })) ids.push(workflow.workflowId);
      return ids.length > 0 ? ids.sort() : undefined;
    });
  const both = [checkoutWorkflowId(paid.body.id), checkoutWorkflowId(declinedId)].sort();
  expect(await find(`CustomerId = '${shopper.id}'`)).toEqual(both);
  expect(await find(`OrderId = '${paid.body.orderId}'`)).toEqual([checkoutWorkflowId(paid.body.id)]);
  expect(await find(`CustomerId = '${shopper.id}' AND CheckoutStatus = 'Completed'`)).toEqual([checkoutWorkflowId(paid.body.id)]);
  expect(await find(`CustomerId = '${shopper.id}' AND CheckoutStatus = 'Failed' AND FailureReason = 'InsufficientFunds'`)).toEqual([
    checkoutWorkflowId(declinedId),
  ]);
});

