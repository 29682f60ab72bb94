/**
 * The checkout saga's logic on Temporal's time-skipping test server, with the
 * activities replaced by jest mocks (this file's test doubles): every failure
 * point must run exactly the right compensations, in reverse order.
 */
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { CheckoutActivities } from '../../activities/types';
import { testServerExecutable } from '../../platform/temporal-binaries';
import { registerSearchAttributes } from '../../platform/temporal-search-attributes';
import { quietTemporalRuntime } from '../support/quiet-temporal';
import { BUSINESS_FAILURES } from '../../workflows/failures';
import { checkoutWorkflowId, getCheckoutStateQuery, type CheckoutInput, type CheckoutResult } from '../../workflows/messages';

quietTemporalRuntime();

let env: TestWorkflowEnvironment;
let workflowBundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  [env, workflowBundle] = await Promise.all([
    TestWorkflowEnvironment.createTimeSkipping({ server: { executable: testServerExecutable() } }),
    bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: silentLogger() }),
  ]);
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
}, 120_000);

afterAll(async () => {
  await env?.teardown();
});

function silentLogger() {
  const noop = () => undefined;
  return { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };
}

const input = (): CheckoutInput => ({
  checkoutId: randomUUID(),
  customerId: 'customer-1',
  customerEmail: 'ada@example.com',
  currency: 'EUR',
  lines: [
    { sku: 'MUG', name: 'Mug', quantity: 2, unitPrice: 1250 },
    { sku: 'TEE', name: 'T-shirt', quantity: 1, unitPrice: 1999 },
  ],
  paymentMethodId: 'pm_test',
  shippingAddress: { name: 'Ada', line1: '1 Way', city: 'London', postalCode: 'N1', country: 'GB' },
});

const business = (type: string, message = type) => ApplicationFailure.create({ type, message, nonRetryable: true });

/** Activities that succeed and log each call in order; tests override single ones. */
function recordingActivities(overrides: Partial<CheckoutActivities> = {}) {
  const calls: string[] = [];
  const record = <K extends keyof CheckoutActivities>(name: K, fallback: CheckoutActivities[K]): CheckoutActivities[K] =>
    ((...args: unknown[]) => {
      calls.push(name);
      const implementation = (overrides[name] ?? fallback) as (...a: unknown[]) => unknown;
      return implementation(...args);
    }) as CheckoutActivities[K];
  const activities: CheckoutActivities = {
    reserveInventory: jest.fn(record('reserveInventory', async ({ checkoutId }) => ({ reservationId: checkoutId }))),
    releaseInventory: jest.fn(record('releaseInventory', async () => undefined)),
    commitInventory: jest.fn(record('commitInventory', async () => undefined)),
    chargePayment: jest.fn(record('chargePayment', async () => ({ chargeId: 'ch_1' }))),
    refundPayment: jest.fn(record('refundPayment', async () => undefined)),
    createOrder: jest.fn(record('createOrder', async ({ orderId }) => ({ orderId }))),
    cancelOrder: jest.fn(record('cancelOrder', async () => undefined)),
    notifyCustomer: jest.fn(record('notifyCustomer', async () => ({ notificationId: 'n_1' }))),
  };
  return { activities, calls };
}

async function run(activities: CheckoutActivities, checkout = input()) {
  const taskQueue = `test-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle, activities });
  const workflowId = checkoutWorkflowId(checkout.checkoutId);
  return worker.runUntil(async () => {
    const handle = await env.client.workflow.start('checkoutWorkflow', { taskQueue, workflowId, args: [checkout] });
    const result = (await handle.result()) as CheckoutResult;
    const state = await handle.query(getCheckoutStateQuery);
    return { result, state, handle };
  });
}

it('runs every step in order on the happy path, with no compensation', async () => {
  const { activities, calls } = recordingActivities();
  const { result, state } = await run(activities);

  expect(calls).toEqual(['reserveInventory', 'chargePayment', 'createOrder', 'commitInventory', 'notifyCustomer']);
  expect(result).toMatchObject({ status: 'completed', chargeId: 'ch_1', total: { amount: 4499, currency: 'EUR' } });
  expect(result.orderId).toEqual(state.orderId);
  expect(state).toMatchObject({ status: 'completed', step: 'done', reservationId: expect.any(String), chargeId: 'ch_1' });
  expect(state.compensations.every((c) => c.status === 'pending')).toBe(true);
  expect(activities.chargePayment).toHaveBeenCalledWith(expect.objectContaining({ amount: { amount: 4499, currency: 'EUR' } }));
  expect(activities.notifyCustomer).toHaveBeenCalledWith(expect.objectContaining({ template: 'order_confirmed' }));
});

it('releases the (never made) reservation when reserving fails out of stock, and charges nothing', async () => {
  const { activities, calls } = recordingActivities({
    reserveInventory: async () => {
      throw business(BUSINESS_FAILURES.OutOfStock, 'Not enough stock for MUG');
    },
  });
  const { result, state } = await run(activities);

  expect(calls).toEqual(['reserveInventory', 'releaseInventory', 'notifyCustomer']);
  expect(result).toMatchObject({ status: 'failed', failure: { type: 'OutOfStock', step: 'reserving_inventory', message: 'Not enough stock for MUG' } });
  expect(state.compensations).toEqual([{ name: 'releaseInventory', status: 'done' }]);
  expect(activities.notifyCustomer).toHaveBeenCalledWith(expect.objectContaining({ template: 'checkout_failed' }));
});

it('refunds, then releases, when the card is declined', async () => {
  const { activities, calls } = recordingActivities({
    chargePayment: async () => {
      throw business(BUSINESS_FAILURES.PaymentDeclined, 'Your card was declined');
    },
  });
  const { result } = await run(activities);

  expect(calls).toEqual(['reserveInventory', 'chargePayment', 'refundPayment', 'releaseInventory', 'notifyCustomer']);
  expect(result).toMatchObject({ status: 'failed', failure: { type: 'PaymentDeclined', step: 'charging_payment' } });
  expect(activities.createOrder).not.toHaveBeenCalled();
});

it('cancels the order, refunds and releases, in that order, when order creation fails', async () => {
  const { activities, calls } = recordingActivities({
    createOrder: async () => {
      throw business(BUSINESS_FAILURES.OrderRejected);
    },
  });
  const { result, state } = await run(activities);

  expect(calls).toEqual(['reserveInventory', 'chargePayment', 'createOrder', 'cancelOrder', 'refundPayment', 'releaseInventory', 'notifyCustomer']);
  expect(result.failure).toMatchObject({ type: 'OrderRejected', step: 'creating_order' });
  expect(state.compensations.map((c) => [c.name, c.status])).toEqual([
    ['releaseInventory', 'done'],
    ['refundPayment', 'done'],
    ['cancelOrder', 'done'],
  ]);
  expect(activities.cancelOrder).toHaveBeenCalledWith({ orderId: state.orderId, reason: expect.any(String) });
  expect(activities.commitInventory).not.toHaveBeenCalled();
});

it('retries transient failures without compensating', async () => {
  let attempts = 0;
  const { activities, calls } = recordingActivities({
    reserveInventory: async ({ checkoutId }) => {
      attempts += 1;
      if (attempts < 3) throw new Error('inventory: 503 service unavailable');
      return { reservationId: checkoutId };
    },
  });
  const { result } = await run(activities);

  expect(attempts).toBe(3);
  expect(result.status).toBe('completed');
  expect(calls).not.toContain('releaseInventory');
});

it('retries a failing compensation until it succeeds, and still reports the original failure', async () => {
  let refundAttempts = 0;
  const { activities } = recordingActivities({
    chargePayment: async () => {
      throw business(BUSINESS_FAILURES.PaymentDeclined);
    },
    refundPayment: async () => {
      refundAttempts += 1;
      if (refundAttempts < 3) throw new Error('payments: connection refused');
    },
  });
  const { result, state } = await run(activities);

  expect(refundAttempts).toBe(3);
  expect(result.failure?.type).toBe('PaymentDeclined');
  expect(state.compensations.find((c) => c.name === 'refundPayment')).toEqual({ name: 'refundPayment', status: 'done' });
});

it('records a compensation that cannot complete and still runs the others', async () => {
  const { activities, calls } = recordingActivities({
    createOrder: async () => {
      throw business(BUSINESS_FAILURES.OrderRejected);
    },
    refundPayment: async () => {
      throw business(BUSINESS_FAILURES.InvalidRequest, 'refund refused');
    },
  });
  const { result, state } = await run(activities);

  expect(calls).toEqual(['reserveInventory', 'chargePayment', 'createOrder', 'cancelOrder', 'refundPayment', 'releaseInventory', 'notifyCustomer']);
  expect(result.failure?.type).toBe('OrderRejected');
  expect(state.compensations.find((c) => c.name === 'refundPayment')).toMatchObject({ status: 'failed', error: 'refund refused' });
  expect(state.compensations.find((c) => c.name === 'releaseInventory')).toMatchObject({ status: 'done' });
});

it('keeps the purchase when the confirmation cannot be sent', async () => {
  const { activities, calls } = recordingActivities({
    notifyCustomer: async () => {
      throw business(BUSINESS_FAILURES.InvalidRequest, 'mail server refused');
    },
  });
  const { result, state } = await run(activities);

  expect(result.status).toBe('completed');
  expect(calls.filter((call) => ['releaseInventory', 'refundPayment', 'cancelOrder'].includes(call))).toEqual([]);
  expect(state.notificationError).toBe('mail server refused');
});

it('compensates finished steps when the checkout is cancelled mid-way, then ends cancelled', async () => {
  let chargeStarted!: () => void;
  const charging = new Promise<void>((resolve) => (chargeStarted = resolve));
  const { activities, calls } = recordingActivities({
    chargePayment: async () => {
      chargeStarted();
      // Never finishes on its own: it heartbeats until the cancellation reaches it.
      const context = Context.current();
      for (;;) {
        context.heartbeat();
        await context.sleep(100);
      }
    },
  });
  const checkout = input();
  const taskQueue = `test-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle, activities });

  const outcome = await worker.runUntil(async () => {
    const handle = await env.client.workflow.start('checkoutWorkflow', { taskQueue, workflowId: checkoutWorkflowId(checkout.checkoutId), args: [checkout] });
    await charging;
    const midway = await handle.query(getCheckoutStateQuery);
    await handle.cancel();
    const error = await handle.result().catch((e: unknown) => e);
    return { midway, error };
  });

  expect(outcome.midway).toMatchObject({ status: 'running', step: 'charging_payment' });
  expect(outcome.error).toBeInstanceOf(WorkflowFailedError);
  expect((outcome.error as WorkflowFailedError).cause?.name).toBe('CancelledFailure');
  expect(calls).toEqual(['reserveInventory', 'chargePayment', 'refundPayment', 'releaseInventory']);
});

it('is found by its search attributes', async () => {
  const { activities } = recordingActivities();
  const { handle, state } = await run(activities);
  const description = await handle.describe();
  const attributes = description.searchAttributes as Record<string, unknown[]>;
  expect(attributes.CustomerId).toEqual(['customer-1']);
  expect(attributes.OrderId).toEqual([state.orderId]);
  expect(attributes.CheckoutStatus).toEqual(['Completed']);
});
