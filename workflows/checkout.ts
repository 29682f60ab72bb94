/**
 * The checkout saga: reserve inventory → charge payment → create order →
 * commit the reservation → notify the customer.
 *
 * Each compensation is registered BEFORE its step runs: a step that timed out
 * may still have happened, and the services make every compensation harmless
 * when its step never ran (and make the late step fail afterwards). When a step
 * before the order fails, the registered compensations run in reverse order, in
 * a non-cancellable scope so that cancelling the checkout cannot stop them.
 *
 * Once the order is created the purchase is decided: committing the stock and
 * confirming to the customer run to the end, even if the workflow is cancelled.
 */
import {
  ActivityCancellationType,
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
  type ActivityOptions,
} from '@temporalio/workflow';
import type { CheckoutActivities, NotificationTemplate } from '../activities/types';
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
export const CHECKOUT_STATUS_VALUES = {
  running: 'Running',
  compensating: 'Compensating',
  completed: 'Completed',
  failed: 'Failed',
} as const satisfies Record<CheckoutStatus, string>;

/** Values of the FailureReason search attribute besides the business failure types (BUSINESS_FAILURES). */
export const CHECKOUT_FAILURE_REASONS = {
  /** A step failed for a reason that is not a business refusal, once its retries ran out. */
  Unexpected: 'Unexpected',
  /** The workflow was cancelled (e.g. from the Temporal UI) before the order was placed. */
  Cancelled: 'Cancelled',
  /** Set on a *completed* checkout: the stock could not be committed and support must reconcile it. */
  InventoryNotCommitted: 'InventoryNotCommitted',
} as const;

/** Forward steps: retried while a service is unavailable, never on a business refusal. */
const FORWARD_STEP: ActivityOptions = {
  startToCloseTimeout: ACTIVITY_TIMEOUTS.startToClose,
  scheduleToCloseTimeout: ACTIVITY_TIMEOUTS.scheduleToClose,
  retry: { ...SERVICE_CALL_RETRY, nonRetryableErrorTypes: [...BUSINESS_FAILURE_TYPES] },
  // On cancellation, compensate only once the call in flight has settled (at most one
  // startToClose), so a refund never races the very charge it undoes.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
};

/**
 * Compensations, and the commit once the customer has paid: giving up would
 * leave stock or money in the wrong place, so they are retried without limit.
 * A stuck one shows in the UI as a pending activity with its last error.
 */
const MUST_SUCCEED: ActivityOptions = {
  startToCloseTimeout: ACTIVITY_TIMEOUTS.startToClose,
  retry: COMPENSATION_RETRY,
};

/** Notifications retry like service calls; whatever happens, they never decide the outcome. */
const NOTIFICATION: ActivityOptions = {
  startToCloseTimeout: ACTIVITY_TIMEOUTS.startToClose,
  scheduleToCloseTimeout: ACTIVITY_TIMEOUTS.scheduleToClose,
  retry: SERVICE_CALL_RETRY,
};

/** The notifications service refuses a longer failure message (and the customer would then hear nothing). */
const MAX_NOTIFIED_MESSAGE_LENGTH = 2000;

/** The activities with the given options; the summary labels the call in the Temporal UI. */
function activities(options: ActivityOptions, summary: string) {
  return proxyActivities<CheckoutActivities>({ ...options, summary });
}

export function orderTotal(input: CheckoutInput): number {
  return input.lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
}

export async function checkoutWorkflow(input: CheckoutInput): Promise<CheckoutResult> {
  const orderId = uuid4();
  const state = initialState(input, orderId);
  setHandler(getCheckoutStateQuery, () => state);
  publishStart(input, state);

  const saga = new Saga(state);
  let chargeId: string;
  try {
    chargeId = await placeOrder(input, state, saga);
  } catch (error) {
    return abandon(input, state, saga, error);
  }

  // Paid and ordered: the purchase is decided. A cancellation arriving now must not
  // leave it half-done (stock reserved but never committed, customer never told).
  await CancellationScope.nonCancellable(() => completePurchase(input, state));
  state.step = 'done';
  publishStatus(state, 'completed');
  return { checkoutId: input.checkoutId, status: 'completed', orderId, chargeId, total: state.total };
}

function initialState(input: CheckoutInput, orderId: string): CheckoutState {
  return {
    checkoutId: input.checkoutId,
    customerId: input.customerId,
    status: 'running',
    step: 'started',
    total: { amount: orderTotal(input), currency: input.currency },
    orderId,
    compensations: [],
  };
}

function publishStart(input: CheckoutInput, state: CheckoutState): void {
  upsertSearchAttributes([
    { key: SEARCH_ATTRIBUTES.CustomerId, value: input.customerId },
    { key: SEARCH_ATTRIBUTES.OrderId, value: state.orderId },
    { key: SEARCH_ATTRIBUTES.CheckoutStatus, value: CHECKOUT_STATUS_VALUES[state.status] },
  ]);
  upsertMemo({ customerEmail: input.customerEmail, total: state.total, lineCount: input.lines.length });
}

function publishStatus(state: CheckoutState, status: CheckoutStatus): void {
  state.status = status;
  upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.CheckoutStatus, value: CHECKOUT_STATUS_VALUES[status] }]);
}

function publishFailureReason(reason: string): void {
  upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.FailureReason, value: reason }]);
}

/** Runs the steps that can still be undone; returns the charge id. */
async function placeOrder(input: CheckoutInput, state: CheckoutState, saga: Saga): Promise<string> {
  const { checkoutId } = input;

  state.step = 'reserving_inventory';
  saga.register('releaseInventory', () =>
    activities(MUST_SUCCEED, 'Compensation: release the reserved stock').releaseInventory({ checkoutId }),
  );
  const { reservationId } = await activities(FORWARD_STEP, 'Reserve the stock').reserveInventory({
    checkoutId,
    lines: input.lines.map(({ sku, quantity }) => ({ sku, quantity })),
  });
  state.reservationId = reservationId;

  state.step = 'charging_payment';
  saga.register('refundPayment', () => activities(MUST_SUCCEED, 'Compensation: refund the charge').refundPayment({ checkoutId }));
  const { chargeId } = await activities(FORWARD_STEP, 'Charge the customer').chargePayment({
    checkoutId,
    customerId: input.customerId,
    amount: state.total,
    paymentMethodId: input.paymentMethodId,
  });
  state.chargeId = chargeId;

  state.step = 'creating_order';
  const { orderId } = state;
  saga.register('cancelOrder', () =>
    activities(MUST_SUCCEED, 'Compensation: cancel the order').cancelOrder({ orderId, reason: 'checkout failed' }),
  );
  await activities(FORWARD_STEP, 'Create the order').createOrder({
    orderId,
    checkoutId,
    customerId: input.customerId,
    customerEmail: input.customerEmail,
    currency: input.currency,
    lines: input.lines,
    total: state.total.amount,
    shippingAddress: input.shippingAddress,
    chargeId,
  });
  return chargeId;
}

async function completePurchase(input: CheckoutInput, state: CheckoutState): Promise<void> {
  state.step = 'committing_inventory';
  try {
    await activities(MUST_SUCCEED, 'Commit the reserved stock').commitInventory({ checkoutId: input.checkoutId });
  } catch (error) {
    // Transient errors are retried forever, so only a refusal gets here (e.g. the
    // reservation expired and was released). The customer has paid and the order
    // exists: undoing that over a stock record is worse than a person looking at it.
    state.inventoryCommitError = failureMessage(error);
    publishFailureReason(CHECKOUT_FAILURE_REASONS.InventoryNotCommitted);
    log.error('the reserved stock could not be committed; the order stands, support must reconcile the stock', {
      error: state.inventoryCommitError,
    });
  }

  state.step = 'notifying_customer';
  state.notificationError = await notifyCustomer(input, 'order_confirmed', {
    orderId: state.orderId,
    total: state.total.amount,
    currency: state.total.currency,
  });
}

/**
 * Undoes what was done and ends the checkout. Every failure before the order is
 * placed gets here: business refusals, and also steps whose retries ran out —
 * the checkout cannot stand half-done, so those are compensated as well (a
 * later issue parks them for support instead). A cancellation is compensated
 * too, and then rethrown so that the workflow ends cancelled.
 */
async function abandon(input: CheckoutInput, state: CheckoutState, saga: Saga, error: unknown): Promise<CheckoutResult> {
  const cancelled = isCancellation(error);
  const failure: CheckoutFailure = cancelled
    ? { type: CHECKOUT_FAILURE_REASONS.Cancelled, message: 'the checkout was cancelled', step: state.step }
    : describeFailure(error, state.step);
  state.failure = failure;
  publishFailureReason(failure.type);
  publishStatus(state, 'compensating');
  state.step = 'compensating';
  await saga.compensate();

  if (!cancelled) {
    state.notificationError = await notifyCustomer(input, 'checkout_failed', {
      checkoutId: input.checkoutId,
      reason: failure.type,
      // Stored with the notification for engineers, never shown to the customer; the service caps its length.
      message: failure.message.slice(0, MAX_NOTIFIED_MESSAGE_LENGTH),
    });
  }
  state.step = 'done';
  publishStatus(state, 'failed');
  if (cancelled) throw error;
  return { checkoutId: input.checkoutId, status: 'failed', total: state.total, failure };
}

/** Sends a notification; returns why it could not be sent, if it could not. It never fails the checkout. */
async function notifyCustomer(
  input: CheckoutInput,
  template: NotificationTemplate,
  data: Record<string, string | number>,
): Promise<string | undefined> {
  try {
    await activities(NOTIFICATION, `Notify the customer: ${template}`).notifyCustomer({
      checkoutId: input.checkoutId,
      customerId: input.customerId,
      email: input.customerEmail,
      template,
      data,
    });
    return undefined;
  } catch (error) {
    const reason = failureMessage(error);
    log.warn('the customer could not be notified; the outcome stands', { template, error: reason });
    return reason;
  }
}

/** The compensations registered so far, run newest first. */
class Saga {
  private readonly registered: { record: CompensationRecord; run: () => Promise<void> }[] = [];

  constructor(private readonly state: CheckoutState) {}

  register(name: CompensationRecord['name'], run: () => Promise<void>): void {
    const record: CompensationRecord = { name, status: 'pending' };
    this.state.compensations.push(record);
    this.registered.push({ record, run });
  }

  async compensate(): Promise<void> {
    await CancellationScope.nonCancellable(async () => {
      for (const { record, run } of [...this.registered].reverse()) {
        try {
          await run();
          record.status = 'done';
        } catch (error) {
          // Left for support; the other compensations still run, and the original failure stays the result.
          record.status = 'failed';
          record.error = failureMessage(error);
          log.error('compensation failed', { compensation: record.name, error: record.error });
        }
      }
    });
  }
}

/** The failure a step ended with: its business type when it is one, 'Unexpected' otherwise. */
function describeFailure(error: unknown, step: CheckoutStep): CheckoutFailure {
  const cause = rootCause(error);
  const type = cause instanceof ApplicationFailure && isBusinessFailureType(cause.type) ? cause.type : CHECKOUT_FAILURE_REASONS.Unexpected;
  return { type, message: failureMessage(error), step };
}

/** What the activity itself said, rather than the SDK's "Activity task failed" wrapper. */
function failureMessage(error: unknown): string {
  const cause = rootCause(error);
  return cause instanceof Error ? cause.message : String(cause);
}

function rootCause(error: unknown): unknown {
  return error instanceof ActivityFailure && error.cause ? error.cause : error;
}
