/**
 * The checkout saga's logic on Temporal's time-skipping test server, with the
 * activities replaced by recording jest mocks: every failure point must run
 * exactly the right compensations, newest first, and nothing else.
 */
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowFailedError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { CancelledFailure, WorkflowIdConflictPolicy } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { CheckoutActivities } from '../../activities/types';
import { temporal } from '@temporalio/proto';
import { MAX_SUPPORT_WAITS, RESERVATION_REFRESH_INTERVAL_MS, SEARCH_ATTRIBUTES, SERVICE_CALL_RETRY, SUPPORT_DEADLINE_MS } from '../../temporal.config';

/** The runbook's bound on the events one day-long wait for support adds to a checkout's history. */
const SUPPORT_WAIT_HISTORY_BOUND = 2_000;
import { checkoutWorkflow } from '../../workflows';
import { CHECKOUT_FAILURE_REASONS, CHECKOUT_STATUS_VALUES } from '../../workflows/checkout';
import { BUSINESS_FAILURES } from '../../workflows/failures';
import {
  awaitOutcomeUpdate,
  cancelCheckoutSignal,
  cancelCheckoutUpdate,
  checkoutWorkflowId,
  getCheckoutStateQuery,
  OUTCOME_UPDATE_ID,
  retryCheckoutSignal,
  retryCheckoutUpdate,
  type CheckoutInput,
} from '../../workflows/messages';
import {
  type ActivityName,
  bundleWorkflows,
  businessFailure,
  cancellationHandled,
  CART,
  CART_TOTAL,
  cartCheckoutInput,
  CHECKOUT_TOTAL,
  checkoutInput,
  COMPENSATIONS,
  eventually,
  failingLocally,
  failingTimes,
  gate,
  heldUntil,
  recordingActivities,
  startTestEnvironment,
} from './support';
import { admitted, startWorkerToKill } from './crash-support';

let env: TestWorkflowEnvironment;
let workflowBundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  [env, workflowBundle] = await Promise.all([startTestEnvironment(), bundleWorkflows()]);
}, 120_000);

afterAll(async () => {
  await env?.teardown();
});

type CheckoutHandle = WorkflowHandle<typeof checkoutWorkflow>;

/**
 * Runs one checkout on a worker of its own. `during` runs while the workflow
 * is in flight; the result (or the error) is awaited after it, and the state
 * is queried once the workflow has ended.
 */
async function runCheckout(
  activities: CheckoutActivities,
  during: (handle: CheckoutHandle) => Promise<void> = async () => undefined,
  checkout: CheckoutInput = checkoutInput(),
) {
  const taskQueue = `checkout-test-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle, activities });
  return worker.runUntil(async () => {
    const handle = await env.client.workflow.start(checkoutWorkflow, {
      taskQueue,
      workflowId: checkoutWorkflowId(checkout.checkoutId),
      args: [checkout],
    });
    await during(handle);
    const outcome = await handle.result().then(
      (result) => ({ result, error: undefined }),
      (error: unknown) => ({ result: undefined, error }),
    );
    const state = await handle.query(getCheckoutStateQuery);
    return { ...outcome, state, handle, checkout };
  });
}

async function searchAttributesOf(handle: CheckoutHandle) {
  const { typedSearchAttributes } = await handle.describe();
  return {
    customerId: typedSearchAttributes.get(SEARCH_ATTRIBUTES.CustomerId),
    orderId: typedSearchAttributes.get(SEARCH_ATTRIBUTES.OrderId),
    checkoutStatus: typedSearchAttributes.get(SEARCH_ATTRIBUTES.CheckoutStatus),
    failureReason: typedSearchAttributes.get(SEARCH_ATTRIBUTES.FailureReason),
  };
}

const compensationsIn = (calls: ActivityName[]) => calls.filter((call) => COMPENSATIONS.includes(call));

describe('the happy path', () => {
  it('runs every step once, in order, compensates nothing and confirms the order', async () => {
    const { activities, calls } = recordingActivities();
    const { result, state, checkout } = await runCheckout(activities);

    expect(calls).toEqual(['reserveInventory', 'chargePayment', 'createOrder', 'commitInventory', 'notifyCustomer']);
    expect(result).toEqual({
      checkoutId: checkout.checkoutId,
      status: 'completed',
      orderId: state.orderId,
      chargeId: 'ch_1',
      total: { amount: CHECKOUT_TOTAL, currency: 'EUR' },
    });
    expect(state).toMatchObject({ status: 'completed', step: 'done', reservationId: `res-${checkout.checkoutId}`, chargeId: 'ch_1' });
    expect(state.failure).toBeUndefined();
    expect(state.notificationError).toBeUndefined();
    // Registered before their steps, never run.
    expect(state.compensations).toEqual([
      { name: 'releaseInventory', status: 'pending' },
      { name: 'refundPayment', status: 'pending' },
      { name: 'cancelOrder', status: 'pending' },
    ]);
    expect(activities.reserveInventory).toHaveBeenCalledWith({
      checkoutId: checkout.checkoutId,
      lines: [
        { sku: 'MUG', quantity: 2 },
        { sku: 'TEE', quantity: 1 },
      ],
    });
    expect(activities.chargePayment).toHaveBeenCalledWith({
      checkoutId: checkout.checkoutId,
      customerId: checkout.customerId,
      amount: { amount: CHECKOUT_TOTAL, currency: 'EUR' },
      paymentMethodId: checkout.paymentMethodId,
    });
    expect(activities.createOrder).toHaveBeenCalledWith(
      expect.objectContaining({ orderId: state.orderId, chargeId: 'ch_1', total: CHECKOUT_TOTAL, lines: checkout.lines }),
    );
    expect(activities.commitInventory).toHaveBeenCalledWith({ checkoutId: checkout.checkoutId });
    expect(activities.notifyCustomer).toHaveBeenCalledWith({
      checkoutId: checkout.checkoutId,
      customerId: checkout.customerId,
      email: checkout.customerEmail,
      template: 'order_confirmed',
      data: { orderId: state.orderId, total: CHECKOUT_TOTAL, currency: 'EUR' },
    });
  });

  it('is found by its search attributes and memo', async () => {
    const { activities } = recordingActivities();
    const { handle, state } = await runCheckout(activities);

    expect(await searchAttributesOf(handle)).toEqual({
      customerId: 'customer-ada',
      orderId: state.orderId,
      checkoutStatus: CHECKOUT_STATUS_VALUES.completed,
      failureReason: undefined,
    });
    const { memo } = await handle.describe();
    // Ids and amounts only: the memo is not encrypted, so no personal data goes there.
    expect(memo).toEqual({ total: { amount: CHECKOUT_TOTAL, currency: 'EUR' }, lineCount: 2 });
  });

  it('answers the state query mid-flight, with the order id known from the start', async () => {
    const chargeStarted = gate();
    const chargeMayFinish = gate();
    // Held in its activity (after a failed local attempt): a workflow task waiting on a local step answers no query until it ends.
    const { activities, calls } = recordingActivities({
      chargePayment: failingLocally(async () => {
        chargeStarted.open();
        await heldUntil(chargeMayFinish);
        return { chargeId: 'ch_slow' };
      }),
    });
    let midway: Awaited<ReturnType<typeof searchAttributesOf>> | undefined;

    const { result, state } = await runCheckout(activities, async (handle) => {
      await chargeStarted.opened;
      expect(await handle.query(getCheckoutStateQuery)).toMatchObject({
        status: 'running',
        step: 'charging_payment',
        reservationId: expect.any(String),
        compensations: [
          { name: 'releaseInventory', status: 'pending' },
          { name: 'refundPayment', status: 'pending' },
        ],
      });
      midway = await searchAttributesOf(handle);
      chargeMayFinish.open();
      await eventually('the charge to be recorded', async () => (await handle.query(getCheckoutStateQuery)).chargeId);
    });

    expect(midway).toEqual({ customerId: 'customer-ada', orderId: state.orderId, checkoutStatus: CHECKOUT_STATUS_VALUES.running, failureReason: undefined });
    expect(result?.status).toBe('completed');
    expect(result?.chargeId).toBe('ch_slow');
    expect(calls).toEqual(['reserveInventory', 'chargePayment', 'chargePayment', 'createOrder', 'commitInventory', 'notifyCustomer']);
  });
});

describe('business failures compensate newest first and tell the customer', () => {
  it('out of stock: releases the (never made) reservation and charges nothing', async () => {
    const { activities, calls } = recordingActivities({
      reserveInventory: async () => {
        throw businessFailure(BUSINESS_FAILURES.OutOfStock, 'Not enough stock for MUG');
      },
    });
    const { result, state, handle, checkout } = await runCheckout(activities);

    expect(calls).toEqual(['reserveInventory', 'releaseInventory', 'recordCheckoutFailure', 'notifyCustomer']);
    const failure = { type: 'OutOfStock', message: 'Not enough stock for MUG', step: 'reserving_inventory' };
    expect(result).toEqual({ checkoutId: checkout.checkoutId, status: 'failed', total: { amount: CHECKOUT_TOTAL, currency: 'EUR' }, failure });
    expect(state).toMatchObject({ status: 'failed', step: 'done', failure, compensations: [{ name: 'releaseInventory', status: 'done' }] });
    expect(activities.releaseInventory).toHaveBeenCalledWith({ checkoutId: checkout.checkoutId });
    expect(activities.notifyCustomer).toHaveBeenCalledWith({
      checkoutId: checkout.checkoutId,
      customerId: checkout.customerId,
      email: checkout.customerEmail,
      template: 'checkout_failed',
      data: { checkoutId: checkout.checkoutId, reason: 'OutOfStock', message: 'Not enough stock for MUG' },
    });
    expect(await searchAttributesOf(handle)).toMatchObject({ checkoutStatus: CHECKOUT_STATUS_VALUES.failed, failureReason: 'OutOfStock' });
  });

  it('card declined: refunds, then releases, and creates no order', async () => {
    const { activities, calls } = recordingActivities({
      chargePayment: async () => {
        throw businessFailure(BUSINESS_FAILURES.PaymentDeclined, 'Your card was declined');
      },
    });
    const { result, state, handle } = await runCheckout(activities);

    expect(calls).toEqual(['reserveInventory', 'chargePayment', 'refundPayment', 'releaseInventory', 'recordCheckoutFailure', 'notifyCustomer']);
    expect(result?.failure).toEqual({ type: 'PaymentDeclined', message: 'Your card was declined', step: 'charging_payment' });
    expect(state.compensations).toEqual([
      { name: 'releaseInventory', status: 'done' },
      { name: 'refundPayment', status: 'done' },
    ]);
    expect(activities.notifyCustomer).toHaveBeenCalledWith(
      expect.objectContaining({ template: 'checkout_failed', data: expect.objectContaining({ reason: 'PaymentDeclined' }) }),
    );
    expect(await searchAttributesOf(handle)).toMatchObject({ checkoutStatus: CHECKOUT_STATUS_VALUES.failed, failureReason: 'PaymentDeclined' });
  });

  it('order rejected: cancels the order, refunds and releases, in that order', async () => {
    const { activities, calls } = recordingActivities({
      createOrder: async () => {
        throw businessFailure(BUSINESS_FAILURES.OrderRejected, 'total mismatch');
      },
    });
    const { result, state } = await runCheckout(activities);

    expect(calls).toEqual(['reserveInventory', 'chargePayment', 'createOrder', 'cancelOrder', 'refundPayment', 'releaseInventory', 'recordCheckoutFailure', 'notifyCustomer']);
    expect(result?.failure).toEqual({ type: 'OrderRejected', message: 'total mismatch', step: 'creating_order' });
    expect(state.compensations.map(({ name, status }) => [name, status])).toEqual([
      ['releaseInventory', 'done'],
      ['refundPayment', 'done'],
      ['cancelOrder', 'done'],
    ]);
    expect(activities.cancelOrder).toHaveBeenCalledWith({ orderId: state.orderId, reason: expect.any(String) });
  });

  it('keeps the failed result when the failure notification cannot be sent', async () => {
    const { activities, calls } = recordingActivities({
      chargePayment: async () => {
        throw businessFailure(BUSINESS_FAILURES.InsufficientFunds);
      },
      notifyCustomer: async () => {
        throw businessFailure(BUSINESS_FAILURES.InvalidRequest, 'no such mailbox');
      },
    });
    const { result, state } = await runCheckout(activities);

    expect(calls).toEqual(['reserveInventory', 'chargePayment', 'refundPayment', 'releaseInventory', 'recordCheckoutFailure', 'notifyCustomer']);
    expect(result).toMatchObject({ status: 'failed', failure: { type: 'InsufficientFunds' } });
    expect(state.notificationError).toBe('no such mailbox');
  });
});

describe('retries', () => {
  it('retries transient failures of a step without compensating', async () => {
    const reserve = failingTimes(2, () => new Error('inventory: 503 service unavailable'), async () => ({ reservationId: 'res-late' }));
    const { activities, calls } = recordingActivities({ reserveInventory: reserve.run });
    const { result, state } = await runCheckout(activities);

    expect(calls).toEqual([
      'reserveInventory',
      'reserveInventory',
      'reserveInventory',
      'chargePayment',
      'createOrder',
      'commitInventory',
      'notifyCustomer',
    ]);
    expect(result?.status).toBe('completed');
    expect(state.reservationId).toBe('res-late');
  });

  it('retries a compensation past the forward steps’ attempt limit, and still reports the original failure', async () => {
    const attempts = SERVICE_CALL_RETRY.maximumAttempts! + 2;
    const refund = failingTimes(attempts - 1, () => new Error('payments: connection refused'), async () => undefined);
    const { activities, calls } = recordingActivities({
      chargePayment: async () => {
        throw businessFailure(BUSINESS_FAILURES.PaymentDeclined);
      },
      refundPayment: refund.run,
    });
    const { result, state } = await runCheckout(activities);

    expect(refund.counter.calls).toBe(attempts);
    expect(compensationsIn(calls)).toEqual([...Array<string>(attempts).fill('refundPayment'), 'releaseInventory']);
    expect(result).toMatchObject({ status: 'failed', failure: { type: 'PaymentDeclined', step: 'charging_payment' } });
    expect(state.compensations).toEqual([
      { name: 'releaseInventory', status: 'done' },
      { name: 'refundPayment', status: 'done' },
    ]);
  });

  it('records a compensation that is refused, and still runs the others', async () => {
    const { activities, calls } = recordingActivities({
      createOrder: async () => {
        throw businessFailure(BUSINESS_FAILURES.OrderRejected);
      },
      refundPayment: async () => {
        throw businessFailure(BUSINESS_FAILURES.InvalidRequest, 'refund refused');
      },
    });
    const { result, state } = await runCheckout(activities);

    expect(calls).toEqual(['reserveInventory', 'chargePayment', 'createOrder', 'cancelOrder', 'refundPayment', 'releaseInventory', 'recordCheckoutFailure', 'notifyCustomer']);
    expect(result).toMatchObject({ status: 'failed', failure: { type: 'OrderRejected' } });
    expect(state.compensations).toEqual([
      { name: 'releaseInventory', status: 'done' },
      { name: 'refundPayment', status: 'failed', error: 'refund refused' },
      { name: 'cancelOrder', status: 'done' },
    ]);
    // It waited for support first; nobody decided before the deadline.
    expect(state.supportActions).toEqual([expect.objectContaining({ action: 'cancel', by: 'deadline' })]);
  });
});

/** Skips past a step's whole retry budget, then waits until the checkout asks for support. */
async function untilWaitingForSupport(handle: CheckoutHandle) {
  await env.sleep('6m');
  return eventually('the checkout to wait for support', async () => {
    const state = await handle.query(getCheckoutStateQuery);
    return state.status === 'waiting_for_support' ? state : undefined;
  });
}

/** Why the workflow refused an update (the validator's message). */
async function refusal(update: Promise<unknown>): Promise<string> {
  const error = await update.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  if (!(error instanceof WorkflowUpdateFailedError)) throw new Error(`the update was not refused: ${String(error)}`);
  return error.cause instanceof Error ? error.cause.message : String(error.cause);
}

/** A payments service that is down until `recover()`. */
function paymentsOutage() {
  let down = true;
  return {
    recover: () => (down = false),
    chargePayment: async () => {
      if (down) throw new Error('payments: 503 provider unavailable');
      return { chargeId: 'ch_after_outage' };
    },
  };
}

describe("checking out the customer's cart", () => {
  it('locks the cart, buys what it holds at its prices, and empties it once ordered', async () => {
    const { activities, calls } = recordingActivities();
    const checkout = cartCheckoutInput();
    const { result, state } = await runCheckout(activities, undefined, checkout);

    expect(calls).toEqual(['lockCart', 'reserveInventory', 'chargePayment', 'createOrder', 'commitInventory', 'completeCart', 'notifyCustomer']);
    expect(result).toMatchObject({ status: 'completed', total: { amount: CART_TOTAL, currency: 'USD' } });
    expect(state.lines).toEqual(CART.lines);
    expect(activities.lockCart).toHaveBeenCalledWith({ checkoutId: checkout.checkoutId, customerId: checkout.customerId });
    expect(activities.reserveInventory).toHaveBeenCalledWith({ checkoutId: checkout.checkoutId, lines: CART.lines.map(({ sku, quantity }) => ({ sku, quantity })) });
    expect(activities.chargePayment).toHaveBeenCalledWith(expect.objectContaining({ amount: { amount: CART_TOTAL, currency: 'USD' } }));
    expect(activities.createOrder).toHaveBeenCalledWith(expect.objectContaining({ lines: CART.lines, currency: 'USD', total: CART_TOTAL }));
    expect(state.compensations.find((compensation) => compensation.name === 'releaseCart')).toEqual({ name: 'releaseCart', status: 'done' });
  });

  it('unlocks the cart, newest compensation last, when the card is declined', async () => {
    const { activities, calls } = recordingActivities({
      chargePayment: async () => {
        throw businessFailure(BUSINESS_FAILURES.PaymentDeclined);
      },
    });
    const { result } = await runCheckout(activities, undefined, cartCheckoutInput());
    expect(result).toMatchObject({ status: 'failed', failure: { type: 'PaymentDeclined' } });
    expect(compensationsIn(calls)).toEqual(['refundPayment', 'releaseInventory', 'releaseCart']);
    expect(calls).not.toContain('completeCart');
  });

  it('fails at once, with nothing to undo but the lock, when the cart is empty', async () => {
    const { activities, calls } = recordingActivities({
      lockCart: async () => {
        throw businessFailure(BUSINESS_FAILURES.CartEmpty, 'the cart is empty');
      },
    });
    const { result } = await runCheckout(activities, undefined, cartCheckoutInput());
    expect(result).toMatchObject({ status: 'failed', failure: { type: 'CartEmpty', step: 'locking_cart' } });
    expect(calls).toEqual(['lockCart', 'releaseCart', 'recordCheckoutFailure', 'notifyCustomer']);
  });
});

describe('telling the shopper how it went', () => {
  it('answers the outcome update once the order is placed, before the checkout has finished', async () => {
    const notifyMayFinish = gate();
    const { activities } = recordingActivities({
      notifyCustomer: async () => {
        await heldUntil(notifyMayFinish);
        return { notificationId: 'n_1' };
      },
    });
    const { result } = await runCheckout(activities, async (handle) => {
      const outcome = await handle.executeUpdate(awaitOutcomeUpdate);
      expect(outcome).toMatchObject({ ordered: true, chargeId: 'ch_1' });
      expect(outcome.status).not.toBe('completed');
      notifyMayFinish.open();
    });
    expect(result?.status).toBe('completed');
  });

  it('answers with the failure when the card is declined', async () => {
    const { activities } = recordingActivities({
      chargePayment: async () => {
        throw businessFailure(BUSINESS_FAILURES.PaymentDeclined, 'Your card was declined');
      },
    });
    await runCheckout(activities, async (handle) => {
      const outcome = await handle.executeUpdate(awaitOutcomeUpdate);
      expect(outcome.failure).toMatchObject({ type: 'PaymentDeclined', message: 'Your card was declined' });
      expect(outcome.ordered).toBeUndefined();
    });
  });
});

describe('the support desk', () => {
  it('parks a step whose retries ran out, and completes it when support retries', async () => {
    const outage = paymentsOutage();
    const { activities, calls } = recordingActivities({ chargePayment: outage.chargePayment });
    const { result, state, handle } = await runCheckout(activities, async (handle) => {
      const waiting = await untilWaitingForSupport(handle);
      expect(waiting.support).toMatchObject({ kind: 'step', stuck: 'charging_payment', error: 'payments: 503 provider unavailable' });
      expect(Date.parse(waiting.support!.deadline) - Date.parse(waiting.support!.since)).toBe(24 * 3_600_000);
      expect(await searchAttributesOf(handle)).toMatchObject({
        checkoutStatus: CHECKOUT_STATUS_VALUES.waiting_for_support,
        failureReason: CHECKOUT_FAILURE_REASONS.StepStuck,
      });
      // Nothing has been undone while it waits.
      expect(compensationsIn(calls)).toEqual([]);

      outage.recover();
      const after = await handle.executeUpdate(retryCheckoutUpdate, { args: [{ reason: 'provider is back (INC-42)', actor: 'sam@shop.example' }] });
      expect(after.supportActions).toEqual([expect.objectContaining({ action: 'retry', reason: 'provider is back (INC-42)', actor: 'sam@shop.example' })]);
    });

    expect(result).toMatchObject({ status: 'completed', chargeId: 'ch_after_outage' });
    expect(compensationsIn(calls)).toEqual([]);
    expect(state.support).toBeUndefined();
    expect(await searchAttributesOf(handle)).toMatchObject({ checkoutStatus: CHECKOUT_STATUS_VALUES.completed, failureReason: undefined });
  });

  it('keeps the reserved stock while it waits, extending the reservation every 10 minutes', async () => {
    const outage = paymentsOutage();
    const { activities } = recordingActivities({ chargePayment: outage.chargePayment });
    const checkout = checkoutInput();
    const { result } = await runCheckout(
      activities,
      async (handle) => {
        await untilWaitingForSupport(handle);
        await env.sleep('25m');
        await eventually('three extensions', async () => (activities.extendReservation.mock.calls.length >= 3 ? true : undefined));
        outage.recover();
        await handle.executeUpdate(retryCheckoutUpdate, { args: [{ reason: 'provider back' }] });
      },
      checkout,
    );
    expect(result?.status).toBe('completed');
    expect(activities.extendReservation).toHaveBeenCalledWith({ checkoutId: checkout.checkoutId, ttlSeconds: 30 * 60 });
  });

  it('undoes a parked checkout that support cancels, and tells the customer', async () => {
    const outage = paymentsOutage();
    const { activities, calls } = recordingActivities({ chargePayment: outage.chargePayment });
    const { result, state, handle } = await runCheckout(activities, async (handle) => {
      await untilWaitingForSupport(handle);
      await handle.executeUpdate(cancelCheckoutUpdate, { args: [{ reason: 'customer asked by phone', by: 'support' }] });
    });

    expect(result).toMatchObject({ status: 'failed', failure: { type: CHECKOUT_FAILURE_REASONS.CancelledBySupport, message: 'customer asked by phone' } });
    expect(compensationsIn(calls)).toEqual(['refundPayment', 'releaseInventory']);
    expect(calls.at(-1)).toBe('notifyCustomer');
    expect(activities.notifyCustomer).toHaveBeenLastCalledWith(expect.objectContaining({ template: 'checkout_failed' }));
    expect(state.compensations.every((compensation) => compensation.status === 'done')).toBe(true);
    expect(await searchAttributesOf(handle)).toMatchObject({
      checkoutStatus: CHECKOUT_STATUS_VALUES.failed,
      failureReason: CHECKOUT_FAILURE_REASONS.CancelledBySupport,
    });
  });

  it('undoes a parked checkout nobody decides on by the deadline, and tells the customer', async () => {
    const { activities, calls } = recordingActivities({ chargePayment: paymentsOutage().chargePayment });
    const { result, state } = await runCheckout(activities);

    expect(result).toMatchObject({ status: 'failed', failure: { type: CHECKOUT_FAILURE_REASONS.SupportDeadlinePassed, step: 'charging_payment' } });
    expect(compensationsIn(calls)).toEqual(['refundPayment', 'releaseInventory']);
    expect(activities.notifyCustomer).toHaveBeenLastCalledWith(expect.objectContaining({ template: 'checkout_failed' }));
    expect(state.supportActions).toEqual([expect.objectContaining({ action: 'cancel', by: 'deadline' })]);
  });

  it('takes retry and cancel as signals too (the Temporal UI can only signal), ignoring one that does not apply', async () => {
    const outage = paymentsOutage();
    const { activities } = recordingActivities({ chargePayment: outage.chargePayment });
    const { result, state } = await runCheckout(activities, async (handle) => {
      await eventually('the charge to be attempted', async () => ((await handle.query(getCheckoutStateQuery)).step === 'charging_payment' ? true : undefined));
      await handle.signal(retryCheckoutSignal, { reason: 'too early' });
      await untilWaitingForSupport(handle);
      outage.recover();
      await handle.signal(retryCheckoutSignal, { reason: 'provider is back' });
    });

    expect(result?.status).toBe('completed');
    expect(state.supportActions).toEqual([
      expect.objectContaining({ action: 'retry', reason: 'too early', ignored: expect.stringMatching(/waiting for support/) }),
      expect.objectContaining({ action: 'retry', reason: 'provider is back', by: 'support' }),
    ]);
    expect(state.supportActions[1]!.ignored).toBeUndefined();
    void cancelCheckoutSignal;
  });

  it('refuses updates that do not apply, saying why', async () => {
    const chargeStarted = gate();
    const chargeMayFinish = gate();
    // Held, so the checkout is still running when the last update arrives: an update to a
    // finished workflow is answered "not found" by the server, not refused by the workflow.
    const orderMayBeCreated = gate();
    const { activities } = recordingActivities({
      chargePayment: async () => {
        chargeStarted.open();
        await heldUntil(chargeMayFinish);
        return { chargeId: 'ch_1' };
      },
      createOrder: async ({ orderId }) => {
        await heldUntil(orderMayBeCreated);
        return { orderId };
      },
    });
    const { result } = await runCheckout(activities, async (handle) => {
      await chargeStarted.opened;
      expect(await refusal(handle.executeUpdate(retryCheckoutUpdate, { args: [{ reason: 'why not' }] }))).toMatch(/waiting for support/);
      expect(await refusal(handle.executeUpdate(cancelCheckoutUpdate, { args: [{ reason: '  ', by: 'customer' }] }))).toMatch(/reason is required/);
      chargeMayFinish.open();
      await eventually('the payment', async () => ((await handle.query(getCheckoutStateQuery)).chargeId ? true : undefined));
      expect(await refusal(handle.executeUpdate(cancelCheckoutUpdate, { args: [{ reason: 'changed my mind', by: 'customer' }] }))).toMatch(/payment went through/);
      orderMayBeCreated.open();
    });
    expect(result?.status).toBe('completed');
  });

  it('lets the customer cancel before paying: what was done is undone, and no e-mail is sent', async () => {
    const chargeStarted = gate();
    const chargeMayFinish = gate();
    // The charge is being retried as an activity (its local attempt failed); the local case is under "local first" below.
    const { activities, calls } = recordingActivities({
      chargePayment: failingLocally(async () => {
        chargeStarted.open();
        await heldUntil(chargeMayFinish);
        return { chargeId: 'ch_landed_anyway' };
      }),
    });
    const { result, state } = await runCheckout(activities, async (handle) => {
      await chargeStarted.opened;
      const accepted = await handle.executeUpdate(cancelCheckoutUpdate, { args: [{ reason: 'changed my mind', by: 'customer' }] });
      expect(accepted.supportActions).toEqual([expect.objectContaining({ action: 'cancel', by: 'customer' })]);
      // The charge in flight lands after all; it is refunded.
      chargeMayFinish.open();
    });

    expect(result).toMatchObject({ status: 'failed', failure: { type: CHECKOUT_FAILURE_REASONS.CancelledByCustomer, message: 'changed my mind' } });
    // The order step was never called, but its compensation was registered before it and is harmless.
    expect(compensationsIn(calls)).toEqual(['cancelOrder', 'refundPayment', 'releaseInventory']);
    expect(calls).not.toContain('createOrder');
    expect(calls).not.toContain('notifyCustomer');
    expect(state.status).toBe('failed');
  });

  it('parks a compensation that cannot complete, and finishes it when support retries', async () => {
    let refundWorks = false;
    const { activities, calls } = recordingActivities({
      createOrder: async () => {
        throw businessFailure(BUSINESS_FAILURES.OrderRejected);
      },
      refundPayment: async () => {
        if (!refundWorks) throw new Error('payments: 503 provider unavailable');
      },
    });
    const { result, state } = await runCheckout(activities, async (handle) => {
      await env.sleep('31m');
      const waiting = await eventually('the refund to wait for support', async () => {
        const current = await handle.query(getCheckoutStateQuery);
        return current.status === 'waiting_for_support' ? current : undefined;
      });
      expect(waiting.support).toMatchObject({ kind: 'compensation', stuck: 'refundPayment' });
      refundWorks = true;
      await handle.executeUpdate(retryCheckoutUpdate, { args: [{ reason: 'provider is back' }] });
    });

    expect(result).toMatchObject({ status: 'failed', failure: { type: 'OrderRejected' } });
    expect(state.compensations).toEqual([
      { name: 'releaseInventory', status: 'done' },
      { name: 'refundPayment', status: 'done' },
      { name: 'cancelOrder', status: 'done' },
    ]);
    expect(calls.slice(-3)).toEqual(['releaseInventory', 'recordCheckoutFailure', 'notifyCustomer']);
  });
});

describe('after the order is placed, nothing is undone', () => {
  it('keeps the purchase when the confirmation cannot be sent', async () => {
    const { activities, calls } = recordingActivities({
      notifyCustomer: async () => {
        throw businessFailure(BUSINESS_FAILURES.InvalidRequest, 'mail server refused');
      },
    });
    const { result, state } = await runCheckout(activities);

    expect(calls).toEqual(['reserveInventory', 'chargePayment', 'createOrder', 'commitInventory', 'notifyCustomer']);
    expect(result?.status).toBe('completed');
    expect(state).toMatchObject({ status: 'completed', notificationError: 'mail server refused' });
    expect(state.compensations.every(({ status }) => status === 'pending')).toBe(true);
  });

  it('retries committing the stock past the forward steps’ attempt limit', async () => {
    const attempts = SERVICE_CALL_RETRY.maximumAttempts! + 2;
    const commit = failingTimes(attempts - 1, () => new Error('inventory: 503 service unavailable'), async () => undefined);
    const { activities, calls } = recordingActivities({ commitInventory: commit.run });
    const { result } = await runCheckout(activities);

    expect(commit.counter.calls).toBe(attempts);
    expect(compensationsIn(calls)).toEqual([]);
    expect(result?.status).toBe('completed');
  });

  it('keeps the purchase and flags it for support when the stock cannot be committed', async () => {
    const { activities, calls } = recordingActivities({
      commitInventory: async () => {
        throw businessFailure(BUSINESS_FAILURES.InvalidRequest, 'Reservation was released (expired) and cannot be committed');
      },
    });
    const { result, state, handle } = await runCheckout(activities);

    expect(calls).toEqual(['reserveInventory', 'chargePayment', 'createOrder', 'commitInventory', 'notifyCustomer']);
    expect(result?.status).toBe('completed');
    expect(state).toMatchObject({ status: 'completed', inventoryCommitError: 'Reservation was released (expired) and cannot be committed' });
    expect(activities.notifyCustomer).toHaveBeenCalledWith(expect.objectContaining({ template: 'order_confirmed' }));
    expect(await searchAttributesOf(handle)).toMatchObject({
      checkoutStatus: CHECKOUT_STATUS_VALUES.completed,
      failureReason: CHECKOUT_FAILURE_REASONS.InventoryNotCommitted,
    });
  });
});

describe('cancellation', () => {
  it('waits for the charge in flight, compensates, and ends cancelled', async () => {
    const chargeStarted = gate();
    const chargeMayFinish = gate();
    let chargeSettled = false;
    let refundAfterChargeSettled: boolean | undefined;
    // In its activity, after a failed local attempt; a cancel during the local attempt is under "local first" below.
    const { activities, calls } = recordingActivities({
      chargePayment: failingLocally(async () => {
        chargeStarted.open();
        await heldUntil(chargeMayFinish);
        chargeSettled = true;
        return { chargeId: 'ch_during_cancel' };
      }),
      refundPayment: async () => {
        refundAfterChargeSettled = chargeSettled;
      },
    });

    const { result, error, state, handle } = await runCheckout(activities, async (handle) => {
      await chargeStarted.opened;
      await handle.cancel();
      await cancellationHandled(handle);
      // Nothing is compensated while the charge may still land.
      expect(await handle.query(getCheckoutStateQuery)).toMatchObject({ status: 'running', step: 'charging_payment' });
      chargeMayFinish.open();
      await eventually('the compensations to finish', async () => ((await handle.query(getCheckoutStateQuery)).step === 'done' ? true : undefined));
    });

    expect(result).toBeUndefined();
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect((error as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    expect(refundAfterChargeSettled).toBe(true);
    // The charge landed, so the workflow moved on to the order step, which the cancellation refused before calling it.
    // Its record says how it ended, although nobody is told: the customer's tool cancelled it.
    expect(calls).toEqual(['reserveInventory', 'chargePayment', 'chargePayment', 'cancelOrder', 'refundPayment', 'releaseInventory', 'recordCheckoutFailure']);
    expect(state).toMatchObject({
      status: 'failed',
      step: 'done',
      failure: { type: CHECKOUT_FAILURE_REASONS.Cancelled },
      compensations: [
        { name: 'releaseInventory', status: 'done' },
        { name: 'refundPayment', status: 'done' },
        { name: 'cancelOrder', status: 'done' },
      ],
    });
    expect(await searchAttributesOf(handle)).toMatchObject({
      checkoutStatus: CHECKOUT_STATUS_VALUES.failed,
      failureReason: CHECKOUT_FAILURE_REASONS.Cancelled,
    });
  });

  it('lets compensations run to the end even when cancelled while compensating', async () => {
    const refundStarted = gate();
    const refundMayFinish = gate();
    const { activities, calls } = recordingActivities({
      chargePayment: async () => {
        throw businessFailure(BUSINESS_FAILURES.PaymentDeclined);
      },
      refundPayment: async () => {
        refundStarted.open();
        await heldUntil(refundMayFinish);
      },
    });

    const { result, state } = await runCheckout(activities, async (handle) => {
      await refundStarted.opened;
      await handle.cancel();
      await cancellationHandled(handle);
      refundMayFinish.open();
      await eventually('the checkout to end', async () => ((await handle.query(getCheckoutStateQuery)).step === 'done' ? true : undefined));
    });

    expect(compensationsIn(calls)).toEqual(['refundPayment', 'releaseInventory']);
    expect(state.compensations.map(({ status }) => status)).toEqual(['done', 'done']);
    // The business failure had already decided the outcome.
    expect(result).toMatchObject({ status: 'failed', failure: { type: 'PaymentDeclined' } });
  });

  it('does not undo a placed order: committing and confirming finish, and the checkout completes', async () => {
    const commitStarted = gate();
    const commitMayFinish = gate();
    const { activities, calls } = recordingActivities({
      commitInventory: async () => {
        commitStarted.open();
        await heldUntil(commitMayFinish);
      },
    });

    const { result, error, state } = await runCheckout(activities, async (handle) => {
      await commitStarted.opened;
      await handle.cancel();
      await cancellationHandled(handle);
      commitMayFinish.open();
      await eventually('the checkout to end', async () => ((await handle.query(getCheckoutStateQuery)).step === 'done' ? true : undefined));
    });

    expect(error).toBeUndefined();
    expect(result?.status).toBe('completed');
    expect(state.status).toBe('completed');
    expect(calls).toEqual(['reserveInventory', 'chargePayment', 'createOrder', 'commitInventory', 'notifyCustomer']);
  });
});

const { EventType } = temporal.api.enums.v1;

async function eventsOf(handle: CheckoutHandle) {
  return (await handle.fetchHistory()).events ?? [];
}

/** The event ids at which the workflow completed its awaitOutcome updates, and at which each activity completed, by type. */
async function historyMarks(handle: CheckoutHandle) {
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = new Map(events.filter((event) => event.activityTaskScheduledEventAttributes).map((event) => [Number(event.eventId), event.activityTaskScheduledEventAttributes!.activityType!.name!]));
  const activityCompleted = new Map<string, number>();
  for (const event of events) {
    const completed = event.activityTaskCompletedEventAttributes;
    if (completed) activityCompleted.set(scheduled.get(Number(completed.scheduledEventId))!, Number(event.eventId));
  }
  const updatesCompleted = events.filter((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED).map((event) => Number(event.eventId));
  const updatesAccepted = events.filter((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
  return { activityCompleted, updatesCompleted, updatesAccepted, length: events.length };
}

describe('ids come from the checkout, so a reset finds the same order', () => {
  it('creates the order under the checkout id', async () => {
    const { activities } = recordingActivities();
    const { result, state, checkout, handle } = await runCheckout(activities);
    expect(activities.createOrder).toHaveBeenCalledWith(expect.objectContaining({ orderId: checkout.checkoutId }));
    expect(result).toMatchObject({ status: 'completed', orderId: checkout.checkoutId });
    expect(state.orderId).toBe(checkout.checkoutId);
    expect((await searchAttributesOf(handle)).orderId).toBe(checkout.checkoutId);
  });

  it('adopts the order the checkout already has under another id: it is kept and paid, never undone', async () => {
    const existing = randomUUID();
    const { activities, calls } = recordingActivities({ createOrder: async () => ({ orderId: existing }) });
    const { result, state, handle } = await runCheckout(activities);
    expect(compensationsIn(calls)).toEqual([]);
    expect(result).toMatchObject({ status: 'completed', orderId: existing });
    expect(state.orderId).toBe(existing);
    expect(activities.notifyCustomer).toHaveBeenCalledWith(expect.objectContaining({ template: 'order_confirmed', data: expect.objectContaining({ orderId: existing }) }));
    expect((await searchAttributesOf(handle)).orderId).toBe(existing);
  });
});

describe('once the order exists, nothing fails the purchase', () => {
  it('completes, flagged for support, when the bought cart cannot be emptied', async () => {
    const { activities, calls } = recordingActivities({
      completeCart: async () => {
        throw businessFailure(BUSINESS_FAILURES.InvalidRequest, 'cart: 409 checkout-released the cart was released by support');
      },
    });
    const { result, state, handle } = await runCheckout(activities, undefined, cartCheckoutInput());
    expect(result).toMatchObject({ status: 'completed' });
    expect(state).toMatchObject({ status: 'completed', cartCompletionError: expect.stringMatching(/released by support/) });
    expect(compensationsIn(calls)).toEqual([]);
    expect(calls.at(-1)).toBe('notifyCustomer');
    expect(await searchAttributesOf(handle)).toMatchObject({ checkoutStatus: CHECKOUT_STATUS_VALUES.completed, failureReason: CHECKOUT_FAILURE_REASONS.CartNotCompleted });
  });
});

const LOCAL_MARKER = 'core_local_activity';

/** The activity type of a local activity's marker, undefined for any other event. */
function markerType(event: temporal.api.history.v1.IHistoryEvent): string | undefined {
  if (event.markerRecordedEventAttributes?.markerName !== LOCAL_MARKER) return undefined;
  const data = JSON.parse(Buffer.from(event.markerRecordedEventAttributes.details!['data']!.payloads![0]!.data!).toString()) as { activity_type: string };
  return data.activity_type;
}

function markerOf(events: temporal.api.history.v1.IHistoryEvent[], activityType: string) {
  return events.find((event) => markerType(event) === activityType);
}

/** Activity types by how the history holds them: activity tasks scheduled, local activity markers. */
async function stepsInHistory(handle: CheckoutHandle) {
  const events = await eventsOf(handle);
  const tasks = events.map((event) => event.activityTaskScheduledEventAttributes?.activityType?.name).filter(Boolean);
  const markers = events.map(markerType).filter(Boolean);
  return { tasks, markers };
}

/**
 * The workflow task completion whose commands and messages wrote an event: the last one before it (what
 * one completion asks for is written right after it, before anything else happens).
 */
function sentBy(events: temporal.api.history.v1.IHistoryEvent[], event: temporal.api.history.v1.IHistoryEvent | undefined): number {
  const at = event ? events.indexOf(event) : -1;
  expect(at).toBeGreaterThan(0);
  const task = [...events.slice(0, at)].reverse().find((earlier) => earlier.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  return Number(task!.eventId);
}

/** The workflow task completion that sent the shopper's answer (the awaitOutcome update's result). */
function answeringTask(events: temporal.api.history.v1.IHistoryEvent[]): number {
  return sentBy(events, events.find((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED));
}

describe('emptying the cart and notifying are local activities; committing the stock stays an activity', () => {

  it('commits the stock through an activity task, then empties the cart and confirms in the worker: markers in the history', async () => {
    const { activities, calls } = recordingActivities();
    const { result, handle } = await runCheckout(activities, undefined, cartCheckoutInput());

    expect(result?.status).toBe('completed');
    expect(calls.slice(-3)).toEqual(['commitInventory', 'completeCart', 'notifyCustomer']);
    // The steps before the order went through at once, in the worker (local first, below).
    expect(await stepsInHistory(handle)).toEqual({
      tasks: ['commitInventory'],
      markers: ['lockCart', 'reserveInventory', 'chargePayment', 'createOrder', 'completeCart', 'notifyCustomer'],
    });
  });

  it('tells a failure through a local activity too, after the compensations and the record (ordinary activities)', async () => {
    const { activities } = recordingActivities({
      chargePayment: async () => {
        throw businessFailure(BUSINESS_FAILURES.PaymentDeclined, 'Your card was declined');
      },
    });
    const { result, handle } = await runCheckout(activities);

    expect(result?.status).toBe('failed');
    expect(activities.notifyCustomer).toHaveBeenCalledWith(expect.objectContaining({ template: 'checkout_failed' }));
    expect(await stepsInHistory(handle)).toEqual({
      tasks: ['refundPayment', 'releaseInventory', 'recordCheckoutFailure'],
      markers: ['reserveInventory', 'chargePayment', 'notifyCustomer'],
    });
  });

  it('retries a local activity after a transient failure: past the in-worker backoffs, after a timer', async () => {
    const notify = failingTimes(4, () => new Error('notifications: 503 service unavailable'), async () => ({ notificationId: 'n_1' }));
    const { activities } = recordingActivities({ notifyCustomer: notify.run });
    const { result, state, handle } = await runCheckout(activities);

    expect(notify.counter.calls).toBe(5);
    expect(result?.status).toBe('completed');
    expect(state.notificationError).toBeUndefined();
    const events = await eventsOf(handle);
    // The backoffs of 0.5 s, 1 s and 2 s stay in the worker (LOCAL_RETRY_THRESHOLD); the fourth, of 4 s, is a timer.
    expect(events.filter((event) => event.timerStartedEventAttributes).map((event) => event.timerStartedEventAttributes!.startToFireTimeout?.seconds?.toString())).toEqual(['4']);
    expect((await stepsInHistory(handle)).markers.filter((type) => type === 'notifyCustomer')).toHaveLength(2);
  });

  it('flags, and completes, when a step after the order fails for good', async () => {
    const { activities } = recordingActivities({
      commitInventory: async () => {
        throw businessFailure(BUSINESS_FAILURES.InvalidRequest, 'Reservation was released (expired) and cannot be committed');
      },
      completeCart: async () => {
        throw businessFailure(BUSINESS_FAILURES.InvalidRequest, 'cart: 409 checkout-released');
      },
      notifyCustomer: async () => {
        throw businessFailure(BUSINESS_FAILURES.InvalidRequest, 'mail server refused');
      },
    });
    const { result, state, handle } = await runCheckout(activities, undefined, cartCheckoutInput());

    expect(result?.status).toBe('completed');
    expect(state).toMatchObject({
      status: 'completed',
      inventoryCommitError: 'Reservation was released (expired) and cannot be committed',
      cartCompletionError: 'cart: 409 checkout-released',
      notificationError: 'mail server refused',
    });
    expect(state.compensations.filter(({ status }) => status !== 'pending')).toEqual([]);
    expect((await searchAttributesOf(handle)).failureReason).toBe(CHECKOUT_FAILURE_REASONS.CartNotCompleted);
  });

  it('answers an ordered checkout with the task that schedules the commit, before any local step after the order runs, with no timer', async () => {
    // As the gateway asks: update-with-start, so the answer can leave with the very first workflow task.
    const { activities } = recordingActivities();
    const checkout = cartCheckoutInput();
    const taskQueue = `checkout-test-${randomUUID()}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle, activities });
    const handle = await worker.runUntil(async () => {
      const startWorkflowOperation = new WithStartWorkflowOperation(checkoutWorkflow, {
        taskQueue,
        workflowId: checkoutWorkflowId(checkout.checkoutId),
        args: [checkout],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      });
      expect(await env.client.workflow.executeUpdateWithStart(awaitOutcomeUpdate, { updateId: OUTCOME_UPDATE_ID, startWorkflowOperation })).toMatchObject({ ordered: true });
      const started = await startWorkflowOperation.workflowHandle();
      expect((await started.result()).status).toBe('completed');
      return started;
    });
    const events = await eventsOf(handle);
    const commit = events.find((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'commitInventory');
    expect(sentBy(events, commit)).toBe(answeringTask(events));
    // The steps before the order ran in that same task (local first); those after it come later.
    expect(sentBy(events, markerOf(events, 'createOrder'))).toBe(answeringTask(events));
    expect(sentBy(events, markerOf(events, 'completeCart'))).toBeGreaterThan(answeringTask(events));
    expect(events.filter((event) => event.timerStartedEventAttributes)).toEqual([]);
  });

  it('answers a failed checkout with the task that runs its local notification: it waits for that one call', async () => {
    const { activities } = recordingActivities({
      chargePayment: async () => {
        throw businessFailure(BUSINESS_FAILURES.PaymentDeclined, 'Your card was declined');
      },
    });
    const { result, handle } = await runCheckout(activities, async (running) => {
      expect(await running.executeUpdate(awaitOutcomeUpdate)).toMatchObject({ status: 'failed' });
    });
    expect(result?.status).toBe('failed');
    const events = await eventsOf(handle);
    expect(sentBy(events, markerOf(events, 'notifyCustomer'))).toBe(answeringTask(events));
    expect(events.filter((event) => event.timerStartedEventAttributes)).toEqual([]);
  });

  it('answers a failed checkout whose notification keeps failing once the in-worker retries give way to a timer', async () => {
    const notify = failingTimes(4, () => new Error('notifications: 503 service unavailable'), async () => ({ notificationId: 'n_1' }));
    const { activities } = recordingActivities({
      chargePayment: async () => {
        throw businessFailure(BUSINESS_FAILURES.PaymentDeclined, 'Your card was declined');
      },
      notifyCustomer: notify.run,
    });
    const { result, handle } = await runCheckout(activities, async (running) => {
      expect(await running.executeUpdate(awaitOutcomeUpdate)).toMatchObject({ status: 'failed' });
    });
    expect(result?.status).toBe('failed');
    const events = await eventsOf(handle);
    // The answer left with the backoff's marker and timer (after three attempts), not after the fifth, successful one.
    const timer = events.find((event) => event.timerStartedEventAttributes);
    expect(sentBy(events, timer)).toBe(answeringTask(events));
    const markers = events.filter((event) => markerType(event) === 'notifyCustomer');
    expect(sentBy(events, markers[0])).toBe(answeringTask(events));
    expect(markers).toHaveLength(2);
    expect(sentBy(events, markers[1])).toBeGreaterThan(answeringTask(events));
  });

  it('repeats a local step whose worker died before the step was recorded; the same idempotent call, and the checkout completes once', async () => {
    const taskQueue = `checkout-crash-${randomUUID()}`;
    const checkout = cartCheckoutInput();
    const doomed = await startWorkerToKill(require.resolve('./race-worker'), [env.address, taskQueue, 'cart']);
    try {
      const handle = await env.client.workflow.start(checkoutWorkflow, { taskQueue, workflowId: checkoutWorkflowId(checkout.checkoutId), args: [checkout] });
      await doomed.token; // emptying the cart runs in the doomed worker
      await doomed.kill();

      const { activities, calls } = recordingActivities();
      const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle, activities });
      const result = await worker.runUntil(handle.result());

      expect(result.status).toBe('completed');
      // Nothing up to the commit (an activity, completed by the dead worker) runs again; emptying the cart does, as it was asked the first time.
      expect(calls).toEqual(['completeCart', 'notifyCustomer']);
      expect(activities.completeCart).toHaveBeenCalledWith({ checkoutId: checkout.checkoutId, customerId: checkout.customerId });
      expect(await stepsInHistory(handle)).toEqual({
        tasks: ['commitInventory'],
        markers: ['lockCart', 'reserveInventory', 'chargePayment', 'createOrder', 'completeCart', 'notifyCustomer'],
      });
    } finally {
      if (doomed.child.exitCode === null && doomed.child.signalCode === null) await doomed.kill();
    }
  });
});

describe('the steps before the order run in the worker first, as activities when that fails', () => {
  const FORWARD_STEPS = ['lockCart', 'reserveInventory', 'chargePayment', 'createOrder'];

  it('runs lock, reserve, charge and order in the worker when the services answer: one workflow task places the order', async () => {
    const { activities, calls } = recordingActivities();
    const { result, handle } = await runCheckout(activities, undefined, cartCheckoutInput());

    expect(result?.status).toBe('completed');
    expect(calls.slice(0, 4)).toEqual(FORWARD_STEPS);
    const events = await eventsOf(handle);
    const commit = events.find((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'commitInventory');
    for (const step of FORWARD_STEPS) expect(sentBy(events, markerOf(events, step))).toBe(sentBy(events, commit));
  });

  it('takes a business refusal from the step in the worker as the step’s outcome: compensated, never retried as an activity', async () => {
    const { activities, calls } = recordingActivities({
      chargePayment: async () => {
        throw businessFailure(BUSINESS_FAILURES.PaymentDeclined, 'Your card was declined');
      },
    });
    const { result, state, handle } = await runCheckout(activities);

    expect(calls.filter((call) => call === 'chargePayment')).toHaveLength(1);
    expect(result?.failure).toEqual({ type: 'PaymentDeclined', message: 'Your card was declined', step: 'charging_payment' });
    expect(state.failure).toEqual(result?.failure);
    expect(compensationsIn(calls)).toEqual(['refundPayment', 'releaseInventory']);
    expect((await stepsInHistory(handle)).tasks).not.toContain('chargePayment');
  });

  it('runs a step that failed in the worker for another reason again as an activity, with the same input, and carries on', async () => {
    const { activities, calls } = recordingActivities({ reserveInventory: failingLocally(async ({ checkoutId }) => ({ reservationId: `res-${checkoutId}` })) });
    const { result, state, handle } = await runCheckout(activities);

    expect(result?.status).toBe('completed');
    expect(calls).toEqual(['reserveInventory', 'reserveInventory', 'chargePayment', 'createOrder', 'commitInventory', 'notifyCustomer']);
    expect(activities.reserveInventory.mock.calls[1]).toEqual(activities.reserveInventory.mock.calls[0]);
    expect(compensationsIn(calls)).toEqual([]);
    expect(state.reservationId).toBe(`res-${state.checkoutId}`);
    const { tasks, markers } = await stepsInHistory(handle);
    expect(tasks).toEqual(['reserveInventory', 'commitInventory']);
    expect(markers.slice(0, 3)).toEqual(['reserveInventory', 'chargePayment', 'createOrder']);
  });

  it('shows a step that keeps failing as a pending activity with its attempts and last error, then waits for support', async () => {
    const outage = paymentsOutage();
    const { activities, calls } = recordingActivities({ chargePayment: outage.chargePayment });
    const { result } = await runCheckout(activities, async (handle) => {
      const pending = await eventually('the charge to be a pending activity, retried', async () => {
        const { raw } = await handle.describe();
        const charge = raw.pendingActivities?.find((activity) => activity.activityType?.name === 'chargePayment');
        return charge && (charge.attempt ?? 0) >= 2 ? charge : undefined;
      });
      expect(pending.lastFailure?.message).toBe('payments: 503 provider unavailable');
      await untilWaitingForSupport(handle);
      outage.recover();
      await handle.executeUpdate(retryCheckoutUpdate, { args: [{ reason: 'provider is back' }] });
    });

    expect(result).toMatchObject({ status: 'completed', chargeId: 'ch_after_outage' });
    // The local attempt, the activity's attempts, then after support's retry the local attempt again, which went through.
    const charges = calls.filter((call) => call === 'chargePayment').length;
    expect(charges).toBe(1 + SERVICE_CALL_RETRY.maximumAttempts! + 1);
    expect(compensationsIn(calls)).toEqual([]);
  });

  it('lets a customer’s cancel sent while the charge runs in the worker take effect only once it has ended: no charge is ever left without its order', async () => {
    const chargeMayFinish = gate();
    const chargeStarted = gate();
    let chargeSettled = false;
    let refundBeforeChargeSettled = false;
    const { activities, calls } = recordingActivities({
      chargePayment: async () => {
        chargeStarted.open();
        await heldUntil(chargeMayFinish);
        chargeSettled = true;
        return { chargeId: 'ch_local' };
      },
      refundPayment: async () => {
        refundBeforeChargeSettled ||= !chargeSettled;
      },
    });
    let cancel: { accepted: boolean; refusal?: string } | undefined;
    const { result, state } = await runCheckout(activities, async (handle) => {
      await chargeStarted.opened;
      const updateId = randomUUID();
      const update = handle.executeUpdate(cancelCheckoutUpdate, { updateId, args: [{ reason: 'changed my mind', by: 'customer' }] }).then(
        () => ({ accepted: true }),
        (error: unknown) => ({ accepted: false, refusal: error instanceof WorkflowUpdateFailedError ? String(error.cause?.message) : String(error) }),
      );
      await admitted(env.client, handle.workflowId, updateId);
      chargeMayFinish.open();
      cancel = await update;
    });

    expect(refundBeforeChargeSettled).toBe(false);
    if (cancel!.accepted) {
      // Handled before the charge's result: the charge that landed is refunded, and no order was made.
      expect(result).toMatchObject({ status: 'failed', failure: { type: CHECKOUT_FAILURE_REASONS.CancelledByCustomer } });
      expect(compensationsIn(calls)).toEqual(['cancelOrder', 'refundPayment', 'releaseInventory']);
      expect(calls).not.toContain('createOrder');
    } else {
      // Handled after it: the order was placed in the same workflow task, and the purchase stands.
      expect(cancel!.refusal).toMatch(/can no longer be cancelled|payment went through/);
      expect(result).toMatchObject({ status: 'completed', chargeId: 'ch_local' });
      expect(compensationsIn(calls)).toEqual([]);
    }
    expect(state.step).toBe('done');
  });

  it('repeats a step whose worker died while running it in the worker: the same call, and the checkout completes once', async () => {
    const taskQueue = `checkout-crash-${randomUUID()}`;
    const checkout = cartCheckoutInput();
    const doomed = await startWorkerToKill(require.resolve('./race-worker'), [env.address, taskQueue, 'local-charge']);
    try {
      const handle = await env.client.workflow.start(checkoutWorkflow, { taskQueue, workflowId: checkoutWorkflowId(checkout.checkoutId), args: [checkout] });
      await doomed.token; // the charge runs in the doomed worker, as a local activity
      await doomed.kill();

      const { activities, calls } = recordingActivities();
      const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle, activities });
      const result = await worker.runUntil(handle.result());

      expect(result.status).toBe('completed');
      // The dead worker's workflow task left nothing in the history: everything from the lock on runs again, each call a repeat.
      expect(calls).toEqual(['lockCart', 'reserveInventory', 'chargePayment', 'createOrder', 'commitInventory', 'completeCart', 'notifyCustomer']);
      expect(activities.chargePayment).toHaveBeenCalledWith(expect.objectContaining({ checkoutId: checkout.checkoutId }));
      expect(await stepsInHistory(handle)).toEqual({
        tasks: ['commitInventory'],
        markers: ['lockCart', 'reserveInventory', 'chargePayment', 'createOrder', 'completeCart', 'notifyCustomer'],
      });
    } finally {
      if (doomed.child.exitCode === null && doomed.child.signalCode === null) await doomed.kill();
    }
  });
});

describe('the outcome the shopper is told', () => {
  it('tells a failure only once everything is undone: "nothing was charged" is then true', async () => {
    const { activities } = recordingActivities({
      chargePayment: async () => {
        throw businessFailure(BUSINESS_FAILURES.PaymentDeclined);
      },
    });
    let told: unknown;
    const { result, handle } = await runCheckout(activities, async (handle) => {
      told = await handle.executeUpdate(awaitOutcomeUpdate);
    });
    expect(result).toMatchObject({ status: 'failed' });
    expect(told).toMatchObject({ status: 'failed', failure: { type: 'PaymentDeclined' } });
    const marks = await historyMarks(handle);
    expect(marks.updatesCompleted).toHaveLength(1);
    for (const compensation of ['refundPayment', 'releaseInventory', 'recordCheckoutFailure']) {
      expect(marks.activityCompleted.get(compensation)).toBeLessThan(marks.updatesCompleted[0]!);
    }
  });

  it('records how the checkout failed, and still ends when the record cannot be written', async () => {
    const { activities } = recordingActivities({
      reserveInventory: async () => {
        throw businessFailure(BUSINESS_FAILURES.OutOfStock, 'only 1 left');
      },
      recordCheckoutFailure: async () => {
        throw businessFailure(BUSINESS_FAILURES.InvalidRequest, 'orders refused the record');
      },
    });
    const { result, state, checkout } = await runCheckout(activities);
    expect(activities.recordCheckoutFailure).toHaveBeenCalledWith({
      checkoutId: checkout.checkoutId,
      customerId: checkout.customerId,
      failure: { type: 'OutOfStock', message: 'only 1 left', step: 'reserving_inventory' },
    });
    expect(result).toMatchObject({ status: 'failed', failure: { type: 'OutOfStock' } });
    expect(state).toMatchObject({ status: 'failed', step: 'done', recordError: 'orders refused the record' });
  });

  it('takes one awaitOutcome per checkout: fifty at once with the same id share it (more than the server lets be in flight), another is refused', async () => {
    const orderMayBeCreated = gate();
    const { activities } = recordingActivities({
      createOrder: async ({ orderId }) => {
        await heldUntil(orderMayBeCreated);
        return { orderId };
      },
    });
    const { handle } = await runCheckout(activities, async (handle) => {
      const fifty = Array.from({ length: 50 }, () => handle.executeUpdate(awaitOutcomeUpdate, { updateId: 'outcome' }));
      await eventually('the update to be accepted', async () => ((await historyMarks(handle)).updatesAccepted.length === 1 ? true : undefined));
      expect(await refusal(handle.executeUpdate(awaitOutcomeUpdate, { updateId: 'another' }))).toMatch(/already awaited/);
      orderMayBeCreated.open();
      for (const outcome of await Promise.all(fifty)) expect(outcome).toMatchObject({ ordered: true });
    });
    expect((await historyMarks(handle)).updatesAccepted).toHaveLength(1);
  });
});

describe('waiting for support is bounded', () => {
  it(`waits at most ${MAX_SUPPORT_WAITS} times; then a stuck step is undone without waiting again`, async () => {
    const { activities, calls } = recordingActivities({
      chargePayment: async () => {
        throw new Error('payments: 503 provider unavailable');
      },
    });
    const { result, state } = await runCheckout(activities, async (handle) => {
      for (let wait = 1; wait <= MAX_SUPPORT_WAITS; wait += 1) {
        await eventually(`wait ${wait}`, async () => {
          const current = await handle.query(getCheckoutStateQuery);
          if (current.status === 'waiting_for_support' && current.supportActions.length === wait - 1) return true;
          await env.sleep('1m');
          return undefined;
        });
        await handle.executeUpdate(retryCheckoutUpdate, { args: [{ reason: `try ${wait}` }] });
      }
    });
    expect(result).toMatchObject({ status: 'failed', failure: { type: CHECKOUT_FAILURE_REASONS.SupportDeadlinePassed, step: 'charging_payment' } });
    expect(state.supportActions.map(({ action, by }) => `${action}:${by}`)).toEqual([
      ...Array<string>(MAX_SUPPORT_WAITS).fill('retry:support'),
      'cancel:deadline',
    ]);
    expect(state.supportActions.at(-1)!.reason).toMatch(new RegExp(`asked ${MAX_SUPPORT_WAITS} times`));
    expect(compensationsIn(calls)).toEqual(['refundPayment', 'releaseInventory']);
  });

  it(`keeps the history of a whole day of waiting for support under ${SUPPORT_WAIT_HISTORY_BOUND} events`, async () => {
    const { activities } = recordingActivities({
      chargePayment: async () => {
        throw new Error('payments: 503 provider unavailable');
      },
    });
    const { result, handle } = await runCheckout(activities, async (handle) => {
      await untilWaitingForSupport(handle);
      await env.sleep('25h');
    });
    expect(result).toMatchObject({ status: 'failed', failure: { type: CHECKOUT_FAILURE_REASONS.SupportDeadlinePassed } });
    const { length } = await historyMarks(handle);
    // One reservation extension per RESERVATION_REFRESH_INTERVAL_MS: a timer, an activity and two workflow tasks, 11 events.
    expect(length).toBeGreaterThan((SUPPORT_DEADLINE_MS / RESERVATION_REFRESH_INTERVAL_MS) * 10);
    expect(length).toBeLessThan(SUPPORT_WAIT_HISTORY_BOUND);
  });
});
