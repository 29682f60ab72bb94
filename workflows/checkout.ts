/**
 * The checkout saga: reserve inventory → charge payment → create order →
 * commit the reservation → notify the customer.
 *
 * Each compensation is registered BEFORE its step runs: a step that timed out
 * may still have happened, and the services make every compensation harmless
 * when its step never ran (and make the late step fail afterwards). On a
 * business failure the registered compensations run in reverse order, in a
 * non-cancellable scope so that cancelling the checkout cannot stop them.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  uuid4,
} from '@temporalio/workflow';
import type { CheckoutActivities } from '../activities/types';
import { ACTIVITY_TIMEOUTS, COMPENSATION_RETRY, SEARCH_ATTRIBUTES, SERVICE_CALL_RETRY } from '../temporal.config';
import { BUSINESS_FAILURE_TYPES, isBusinessFailureType } from './failures';
import {
  getCheckoutStateQuery,
  type CheckoutFailure,
  type CheckoutInput,
  type CheckoutResult,
  type CheckoutState,
  type CheckoutStatus,
  type CheckoutStep,
  type CompensationRecord,
} from './messages';

/** Values of the CheckoutStatus search attribute, for filtering in the Temporal UI. */
export const CHECKOUT_STATUS_VALUES: Record<CheckoutStatus, string> = {
  running: 'Running',
  compensating: 'Compensating',
  completed: 'Completed',
  failed: 'Failed',
};

const forward = proxyActivities<CheckoutActivities>({
  startToCloseTimeout: ACTIVITY_TIMEOUTS.startToClose,
  scheduleToCloseTimeout: ACTIVITY_TIMEOUTS.scheduleToClose,
  retry: { ...SERVICE_CALL_RETRY, nonRetryableErrorTypes: [...BUSINESS_FAILURE_TYPES] },
});

/**
 * Steps that must eventually succeed once the customer has paid (commit) and
 * compensations: retried without limit, since giving up would leave stock or
 * money in the wrong place. A stuck one is visible in the UI as a pending
 * activity with its last error.
 */
const persistent = proxyActivities<CheckoutActivities>({
  startToCloseTimeout: ACTIVITY_TIMEOUTS.startToClose,
  retry: { ...COMPENSATION_RETRY, nonRetryableErrorTypes: [...BUSINESS_FAILURE_TYPES] },
});

/** The notification never decides the outcome; a few attempts are enough. */
const notifications = proxyActivities<CheckoutActivities>({
  startToCloseTimeout: ACTIVITY_TIMEOUTS.startToClose,
  scheduleToCloseTimeout: '2m',
  retry: { ...SERVICE_CALL_RETRY, maximumAttempts: 5 },
});

interface Compensation {
  record: CompensationRecord;
  run: () => Promise<void>;
}

export function orderTotal(input: CheckoutInput): number {
  return input.lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
}

/** The failure a step ended with: its business type when it is one, 'Unexpected' otherwise. */
function describeFailure(error: unknown, step: CheckoutStep): CheckoutFailure {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure && isBusinessFailureType(cause.type)) {
    return { type: cause.type, message: cause.message, step };
  }
  const message = cause instanceof Error ? cause.message : String(cause);
  return { type: 'Unexpected', message, step };
}

export async function checkoutWorkflow(input: CheckoutInput): Promise<CheckoutResult> {
  const orderId = uuid4();
  const total = { amount: orderTotal(input), currency: input.currency };
  const state: CheckoutState = {
    checkoutId: input.checkoutId,
    customerId: input.customerId,
    status: 'running',
    step: 'started',
    total,
    orderId,
    compensations: [],
  };
  setHandler(getCheckoutStateQuery, () => state);

  const publishStatus = (status: CheckoutStatus) => {
    state.status = status;
    upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.CheckoutStatus, value: CHECKOUT_STATUS_VALUES[status] }]);
  };
  upsertSearchAttributes([
    { key: SEARCH_ATTRIBUTES.CustomerId, value: input.customerId },
    { key: SEARCH_ATTRIBUTES.OrderId, value: orderId },
    { key: SEARCH_ATTRIBUTES.CheckoutStatus, value: CHECKOUT_STATUS_VALUES.running },
  ]);
  upsertMemo({ customerEmail: input.customerEmail, total: `${(total.amount / 100).toFixed(2)} ${total.currency}`, items: input.lines.length });

  const compensations: Compensation[] = [];
  const registerCompensation = (name: CompensationRecord['name'], run: () => Promise<void>) => {
    const record: CompensationRecord = { name, status: 'pending' };
    state.compensations.push(record);
    compensations.unshift({ record, run });
  };

  try {
    state.step = 'reserving_inventory';
    registerCompensation('releaseInventory', () => persistent.releaseInventory({ checkoutId: input.checkoutId }));
    const { reservationId } = await forward.reserveInventory({
      checkoutId: input.checkoutId,
      lines: input.lines.map(({ sku, quantity }) => ({ sku, quantity })),
    });
    state.reservationId = reservationId;

    state.step = 'charging_payment';
    registerCompensation('refundPayment', () => persistent.refundPayment({ checkoutId: input.checkoutId }));
    const { chargeId } = await forward.chargePayment({
      checkoutId: input.checkoutId,
      customerId: input.customerId,
      amount: total,
      paymentMethodId: input.paymentMethodId,
    });
    state.chargeId = chargeId;

    state.step = 'creating_order';
    registerCompensation('cancelOrder', () => persistent.cancelOrder({ orderId, reason: 'checkout failed' }));
    await forward.createOrder({
      orderId,
      checkoutId: input.checkoutId,
      customerId: input.customerId,
      customerEmail: input.customerEmail,
      currency: input.currency,
      lines: input.lines,
      total: total.amount,
      shippingAddress: input.shippingAddress,
      chargeId,
    });
  } catch (error) {
    // A forward step that exhausted its retries is compensated too: the
    // checkout cannot stand half-done. (A later issue parks such checkouts
    // for support instead of giving up.)
    const failure = isCancellation(error) ? undefined : describeFailure(error, state.step);
    await compensate(state, compensations, publishStatus);
    if (!failure) throw error;
    return fail(input, state, failure, publishStatus);
  }

  // Paid and ordered: from here on nothing is undone. Committing is retried until it succeeds.
  state.step = 'committing_inventory';
  await persistent.commitInventory({ checkoutId: input.checkoutId });

  state.step = 'notifying_customer';
  try {
    await notifications.notifyCustomer({
      checkoutId: input.checkoutId,
      customerId: input.customerId,
      email: input.customerEmail,
      template: 'order_confirmed',
      data: { orderId, total: total.amount, currency: total.currency },
    });
  } catch (error) {
    if (isCancellation(error)) throw error;
    state.notificationError = describeFailure(error, state.step).message;
    log.warn('order confirmation could not be sent; the order stands', { error: state.notificationError });
  }

  state.step = 'done';
  publishStatus('completed');
  return { checkoutId: input.checkoutId, status: 'completed', orderId, chargeId: state.chargeId, total };
}

async function compensate(
  state: CheckoutState,
  compensations: Compensation[],
  publishStatus: (status: CheckoutStatus) => void,
): Promise<void> {
  publishStatus('compensating');
  state.step = 'compensating';
  await CancellationScope.nonCancellable(async () => {
    for (const { record, run } of compensations) {
      try {
        await run();
        record.status = 'done';
      } catch (error) {
        // Recorded and left for support; the other compensations still run and the original failure stays the result.
        record.status = 'failed';
        record.error = describeFailure(error, 'compensating').message;
        log.error('compensation failed', { compensation: record.name, error: record.error });
      }
    }
  });
}

async function fail(
  input: CheckoutInput,
  state: CheckoutState,
  failure: CheckoutFailure,
  publishStatus: (status: CheckoutStatus) => void,
): Promise<CheckoutResult> {
  state.failure = failure;
  upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.FailureReason, value: failure.type }]);
  try {
    await notifications.notifyCustomer({
      checkoutId: input.checkoutId,
      customerId: input.customerId,
      email: input.customerEmail,
      template: 'checkout_failed',
      data: { reason: failure.type, message: failure.message },
    });
  } catch (error) {
    state.notificationError = describeFailure(error, 'done').message;
  }
  state.step = 'done';
  publishStatus('failed');
  return { checkoutId: input.checkoutId, status: 'failed', orderId: undefined, total: state.total, failure };
}
