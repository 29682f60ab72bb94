/**
 * The support path with every service running for real, on the
 * time-skipping test server (so a step's retry budget and the support
 * deadline pass in moments): the payment provider goes down, the checkout
 * waits for support; support retries once it is back and the checkout
 * completes, or cancels and everything is undone and the customer told.
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { cancelCheckoutUpdate, checkoutWorkflowId, getCheckoutStateQuery, retryCheckoutUpdate, type CheckoutInput, type CheckoutResult } from '../../workflows/messages';
import { TEST_CARDS } from '../../scripts/demo-data';
import { bundleWorkflows, startTestEnvironment } from '../workflows/support';
import { eventually } from '../support/eventually';
import { testDataConverter } from '../support/temporal-codec';
import { api, SHIPPING_ADDRESS, signUpAndLogIn, startShop, stockProduct, tokeniseCard, type Shop } from './support';

jest.setTimeout(180_000);

let env: TestWorkflowEnvironment;
let shop: Shop;
let gateway: string;
/** The payment provider simulator's outage switch. */
const providerDown = (active: boolean) => shop.paymentProvider.setOutage(active);

beforeAll(async () => {
  let bundle: WorkflowBundleWithSourceMap;
  [env, bundle] = await Promise.all([startTestEnvironment({ dataConverter: testDataConverter() }), bundleWorkflows()]);
  shop = await startShop({
    temporalAddress: env.connection.options.address,
    connection: env.nativeConnection,
    workflowBundle: bundle,
  });
  gateway = shop.gateway.url;
});

afterAll(async () => {
  await shop?.stop();
  await env?.teardown();
});

/** A customer with a filled cart and a card, and their checkout started on the shop's worker. */
async function startCheckout() {
  const sku = `DESK-${randomUUID().slice(0, 8)}`.toUpperCase();
  await stockProduct(gateway, sku, 2000, 5);
  const shopper = await signUpAndLogIn(gateway, '+15555550111');
  expect((await api(gateway, 'PUT', `/carts/${shopper.id}/items/${sku}`, { token: shopper.token, body: { quantity: 2 } })).status).toBe(200);
  const input: CheckoutInput = {
    checkoutId: randomUUID(),
    customerId: shopper.id,
    customerEmail: shopper.email,
    customerPhone: '+15555550111',
    paymentMethodId: await tokeniseCard(gateway, shopper.token, TEST_CARDS.success),
    shippingAddress: SHIPPING_ADDRESS,
  };
  // The card is on file; now the provider goes down.
  await providerDown(true);
  const handle = await env.client.workflow.start('checkoutWorkflow', {
    taskQueue: shop.env.TEMPORAL_TASK_QUEUE!,
    workflowId: checkoutWorkflowId(input.checkoutId),
    args: [input],
  });
  return { shopper, sku, input, handle };
}

async function untilWaitingForSupport(handle: Awaited<ReturnType<typeof startCheckout>>['handle']) {
  // Past the charge's whole retry budget.
  await env.sleep('6m');
  return eventually('the checkout to wait for support', async () => {
    const state = await handle.query(getCheckoutStateQuery);
    return state.status === 'waiting_for_support' ? state : undefined;
  });
}

it('provider outage → waiting for support → support retries once it is back → completed', async () => {
  const { shopper, sku, handle } = await startCheckout();
  const waiting = await untilWaitingForSupport(handle);
  expect(waiting.support).toMatchObject({ kind: 'step', stuck: 'charging_payment' });
  // Nothing was undone while it waits: the stock is still reserved, the cart still locked.
  expect((await api(gateway, 'GET', `/stock/${sku}`)).body).toMatchObject({ reserved: 2 });
  expect((await api(gateway, 'GET', `/carts/${shopper.id}`, { token: shopper.token })).body.status).toBe('checking_out');

  await providerDown(false);
  await handle.executeUpdate(retryCheckoutUpdate, { args: [{ reason: 'provider back (INC-7)', actor: 'sam@shop.example' }] });
  const result = (await handle.result()) as CheckoutResult;

  expect(result).toMatchObject({ status: 'completed', total: { amount: 4000, currency: 'USD' } });
  expect((await api(gateway, 'GET', `/stock/${sku}`)).body).toMatchObject({ onHand: 3, reserved: 0 });
  expect((await api(gateway, 'GET', `/orders/${result.orderId}`, { token: shopper.token })).body.status).toBe('paid');
  expect((await api(gateway, 'GET', `/carts/${shopper.id}`, { token: shopper.token })).body).toMatchObject({ status: 'open', itemCount: 0 });
});

it('provider outage → waiting for support → support cancels → everything undone, the customer told', async () => {
  const { shopper, sku, handle } = await startCheckout();
  await untilWaitingForSupport(handle);
  await handle.executeUpdate(cancelCheckoutUpdate, { args: [{ reason: 'outage too long; customer informed by phone', by: 'support', actor: 'sam@shop.example' }] });
  const result = (await handle.result()) as CheckoutResult;
  await providerDown(false);

  expect(result).toMatchObject({ status: 'failed', failure: { type: 'CancelledBySupport' } });
  expect((await api(gateway, 'GET', `/stock/${sku}`)).body).toMatchObject({ onHand: 5, reserved: 0 });
  expect((await api(gateway, 'GET', `/carts/${shopper.id}`, { token: shopper.token })).body).toMatchObject({ status: 'open', itemCount: 2 });
  const notifications = (await api(gateway, 'GET', '/notifications', { token: shopper.token })).body.items;
  expect(notifications).toEqual([expect.objectContaining({ template: 'checkout_failed', status: 'sent' })]);
  const state = await handle.query(getCheckoutStateQuery);
  expect(state.compensations.every((compensation) => compensation.status === 'done')).toBe(true);
});

it('the customer cancels through the gateway while the payment is still being tried: everything undone, no e-mail', async () => {
  const { shopper, sku, input, handle } = await startCheckout();
  // The charge is failing and being retried: not paid yet.
  await eventually('the charge to be tried', async () => ((await handle.query(getCheckoutStateQuery)).step === 'charging_payment' ? true : undefined));
  const stranger = await signUpAndLogIn(gateway);
  expect((await api(gateway, 'POST', `/checkouts/${input.checkoutId}/cancel`, { token: stranger.token, body: { reason: 'not mine' } })).status).toBe(404);
  const cancelled = await api(gateway, 'POST', `/checkouts/${input.checkoutId}/cancel`, { token: shopper.token, body: { reason: 'changed my mind' } });
  expect(cancelled.status).toBe(200);
  const result = (await handle.result()) as CheckoutResult;
  await providerDown(false);

  expect(result).toMatchObject({ status: 'failed', failure: { type: 'CancelledByCustomer', message: 'changed my mind' } });
  expect((await api(gateway, 'GET', `/stock/${sku}`)).body).toMatchObject({ onHand: 5, reserved: 0 });
  expect((await api(gateway, 'GET', `/carts/${shopper.id}`, { token: shopper.token })).body).toMatchObject({ status: 'open', itemCount: 2 });
  expect((await api(gateway, 'GET', '/notifications', { token: shopper.token })).body.items).toEqual([]);
  const again = await api(gateway, 'POST', `/checkouts/${input.checkoutId}/cancel`, { token: shopper.token, body: {} });
  expect(again.status).toBe(409);
});
