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
 *
 * A step that keeps failing for reasons outside the customer's control (a
 * service down past its retry budget), or a compensation that cannot complete,
 * does not give up silently: the checkout waits for support, who retry or
 * cancel it (updates `retryCheckout` / `cancelCheckout`, or the signals `retry`
 * / `cancel` from the Temporal UI). If nobody decides before SUPPORT_DEADLINE_MS,
 * a stuck step is undone and the customer told; after MAX_SUPPORT_WAITS waits
 * the checkout no longer waits, so its lifetime is bounded (docs/runbook.md).
 *
 * Every id the workflow hands to a service comes from its input (the order id
 * is the checkout id), so a reset to an earlier workflow task finds the same
 * reservation, charge and order instead of making new ones.
 *
 * Where each step runs (docs/benchmarks.md measures what it buys): the steps
 * before the order are tried once inside the worker, as local activities, and
 * as ordinary activities when that fails (forwardStep); committing the stock,
 * every compensation and the failure's record are ordinary activities; emptying
 * the cart and the e-mail are local activities (postOrderActivities).
 */
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  uuid4,
  type ActivityOptions,
  type LocalActivityOptions,
} from '@temporalio/workflow';
import type { CheckoutActivities, NotificationTemplate } from '../activities/types';
import {
  ACTIVITY_TIMEOUTS,
  COMPENSATION_RETRY,
  COMPENSATION_RETRY_BUDGET,
  MAX_SUPPORT_WAITS,
  POST_ORDER_RETRY_BUDGET,
  RESERVATION_HOLD_SECONDS,
  RESERVATION_REFRESH_INTERVAL_MS,
  SEARCH_ATTRIBUTES,
  SERVICE_CALL_RETRY,
  SUPPORT_DEADLINE_MS,
} from '../temporal.config';
import { BUSINESS_FAILURE_TYPES, isBusinessFailureType } from './failures';
import {
  awaitOutcomeUpdate,
  cancelCheckoutSignal,
  cancelCheckoutUpdate,
  getCheckoutStateQuery,
  retryCheckoutSignal,
  retryCheckoutUpdate,
  type CancelRequest,
  type CheckoutFailure,
  type CheckoutInput,
  type CheckoutLine,
  type CheckoutResult,
  type CheckoutState,
  type CheckoutStatus,
  type CheckoutStep,
  type CompensationRecord,
  type SupportAction,
  type SupportRequest,
} from './messages';

/**
 * Checkouts started before the support desk existed keep their old behaviour
 * when they replay: a stuck step was compensated at once, a failed compensation recorded.
 */
const SUPPORT_DESK_PATCH = 'support-desk';
/** Checkouts that waited before reservations were extended while waiting replay without it. */
const HOLD_STOCK_WHILE_WAITING_PATCH = 'hold-stock-while-waiting';
/**
 * Checkouts started before these replay as they ran: the order id is the checkout id
 * (it was random), a cart that cannot be emptied no longer fails a paid checkout, the
 * shopper hears of a failure once it is undone (not as soon as it happens), the failure
 * is written to the checkout's durable record, and support is asked at most
 * MAX_SUPPORT_WAITS times. One marker for all of them: they shipped together.
 */
const SAFE_EDGES_PATCH = 'safe-edges';
/**
 * Checkouts started before this empty the cart and notify the customer through ordinary
 * activities; since, those are local activities (postOrderActivities). Committing the stock
 * stays an ordinary activity on both paths.
 */
const POST_ORDER_LOCAL_STEPS_PATCH = 'post-order-local-steps';
/**
 * Checkouts started before this run the four steps before the order (lock the cart, reserve, charge,
 * create the order) as ordinary activities; since, each is tried once as a local activity first,
 * and as the activity when that attempt fails for a reason that is not a business refusal (forwardStep).
 */
const LOCAL_FIRST_STEPS_PATCH = 'local-first-forward-steps';

/** Values of the CheckoutStatus search attribute, for filtering in the Temporal UI. */
export const CHECKOUT_STATUS_VALUES = {
  running: 'Running',
  waiting_for_support: 'WaitingForSupport',
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
  /** Set on a *completed* checkout: the bought cart could not be emptied and support must reconcile it. */
  CartNotCompleted: 'CartNotCompleted',
  /** While waiting for support: a step's retries ran out (a service is down). */
  StepStuck: 'StepStuck',
  /** While waiting for support: a compensation could not complete. */
  CompensationStuck: 'CompensationStuck',
  /** Support cancelled the checkout. */
  CancelledBySupport: 'CancelledBySupport',
  /** The customer cancelled the checkout before paying. */
  CancelledByCustomer: 'CancelledByCustomer',
  /** Nobody decided before the support deadline, so the checkout was undone. */
  SupportDeadlinePassed: 'SupportDeadlinePassed',
} as const;

/**
 * Forward steps as ordinary activities (since LOCAL_FIRST_STEPS_PATCH, once their local attempt
 * failed): retried while a service is unavailable, never on a business refusal.
 */
const FORWARD_STEP: ActivityOptions = {
  startToCloseTimeout: ACTIVITY_TIMEOUTS.startToClose,
  scheduleToCloseTimeout: ACTIVITY_TIMEOUTS.scheduleToClose,
  retry: { ...SERVICE_CALL_RETRY, nonRetryableErrorTypes: [...BUSINESS_FAILURE_TYPES] },
  // On cancellation, compensate only once the call in flight has settled (at most one
  // startToClose), so a refund never races the very charge it undoes.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
};

/**
 * The one attempt a step before the order first gets inside the worker (LOCAL_FIRST_STEPS_PATCH):
 * the ordinary activity's own startToClose, longer than the HTTP client's timeout
 * (SERVICE_HTTP_TIMEOUT_MS), so the attempt ends only once its one call to the service has ended,
 * answered or given up. A shorter one would leave that call running unwatched while the fallback
 * repeats it, or while a cancelled checkout refunds the charge it may still make. No retry in the
 * worker: a second attempt is the ordinary activity's first (forwardStep).
 */
const LOCAL_FIRST_ATTEMPT: LocalActivityOptions = {
  startToCloseTimeout: ACTIVITY_TIMEOUTS.startToClose,
  retry: { maximumAttempts: 1, nonRetryableErrorTypes: [...BUSINESS_FAILURE_TYPES] },
};

/**
 * A step before the order (lock the cart, reserve, charge, create the order). Since
 * LOCAL_FIRST_STEPS_PATCH it is tried once as a local activity: run by the worker in the workflow
 * task that reached it, with no activity task on the Temporal server, so a checkout whose services
 * answer places its order in one workflow task (docs/benchmarks.md, "Forward steps local first").
 * The history holds a marker with the step's summary and result.
 *
 * What that attempt ends with decides what follows:
 * - the result, or a business refusal (typed, non-retryable): that is the step's outcome, exactly
 *   as from the activity; a refusal is compensated;
 * - anything else (a service down, a 5xx, a timeout): the step runs again as the ordinary activity
 *   with FORWARD_STEP's retries, the same call with the same ids, which the services take as a
 *   repeat. So a step that keeps failing is, as before, a pending activity in the Temporal UI with
 *   its attempts and last error, and then waits for support (SupportDesk.untilDone, which runs this
 *   again, local first, when support retries).
 *
 * The local attempt is not cancellable: a cancel (the customer's, support's, or the workflow's)
 * that arrives while it runs takes effect once it has ended, as FORWARD_STEP's
 * WAIT_CANCELLATION_COMPLETED does for an activity. A local activity would otherwise be told of the
 * cancel at once inside the worker, and one whose code heeded it (e.g. by aborting its HTTP call)
 * would let the refund race the very charge it undoes. After a cancel the fallback is not tried
 * (an activity in a cancelled scope fails at once), and a step that went through is undone with
 * the others.
 *
 * A worker that crashes during the attempt leaves no marker; the next worker runs the workflow task
 * again and repeats the call, which the services take as a repeat. While the attempt runs, the
 * workflow task stays open: updates, signals and queries are handled when it ends (or at the SDK's
 * workflow task heartbeat, about 8 s), which is at most one HTTP call.
 */
async function forwardStep<T>(localFirst: boolean, summary: string, call: (steps: CheckoutActivities) => Promise<T>): Promise<T> {
  // Once the checkout is being cancelled, no step starts: the activity below fails at once.
  if (localFirst && !CancellationScope.current().consideredCancelled) {
    try {
      return await CancellationScope.nonCancellable(() => call(proxyLocalActivities<CheckoutActivities>({ ...LOCAL_FIRST_ATTEMPT, summary })));
    } catch (error) {
      if (isBusinessFailure(error)) throw error;
      log.warn('a step failed in the worker; it is retried as an activity', { step: summary, error: failureMessage(error) });
    }
  }
  return call(activities(FORWARD_STEP, summary));
}

/**
 * Compensations, and the steps after the order: giving up early would leave
 * stock or money in the wrong place, so they are retried patiently. A stuck
 * compensation, or a stuck stock commit, shows in the UI as a pending activity with
 * its attempts and last error; a stuck cart, since POST_ORDER_LOCAL_STEPS_PATCH a
 * local activity, as backoff timers and the checkout's `step` (docs/runbook.md).
 */
const MUST_SUCCEED: ActivityOptions = {
  startToCloseTimeout: ACTIVITY_TIMEOUTS.startToClose,
  retry: COMPENSATION_RETRY,
};

/** Compensations: retried for COMPENSATION_RETRY_BUDGET, then they wait for support. */
const COMPENSATION: ActivityOptions = { ...MUST_SUCCEED, scheduleToCloseTimeout: COMPENSATION_RETRY_BUDGET };

/** Committing the stock and emptying the cart once paid: retried for a day, then flagged for support to reconcile. */
const AFTER_ORDER: ActivityOptions = { ...MUST_SUCCEED, scheduleToCloseTimeout: POST_ORDER_RETRY_BUDGET };

/** Notifications retry like service calls; whatever happens, they never decide the outcome. */
const NOTIFICATION: ActivityOptions = {
  startToCloseTimeout: ACTIVITY_TIMEOUTS.startToClose,
  scheduleToCloseTimeout: ACTIVITY_TIMEOUTS.scheduleToClose,
  retry: SERVICE_CALL_RETRY,
};

/**
 * A local activity that fails waits for its next attempt inside the worker while the backoff is at
 * most this long, holding the checkout's workflow task open meanwhile (queries, updates and support's
 * signals are answered only when it ends); a longer backoff becomes a timer in the history. Short on
 * purpose: a blip (the first two or three retries, backoffs of up to 3 s) costs no round trip
 * to Temporal, while an outage shows in the history as timers, keeps the checkout answering
 * between attempts, and carries the attempt count across a worker restart. The SDK's default
 * (1 minute) would hold the task for minutes with COMPENSATION_RETRY's growing backoff.
 */
const LOCAL_RETRY_THRESHOLD = '3s';

/** The notifications service refuses a longer failure message (and the customer would then hear nothing). */
const MAX_NOTIFIED_MESSAGE_LENGTH = 2000;

/** The activities with the given options; the summary labels the call in the Temporal UI. */
function activities(options: ActivityOptions, summary: string) {
  return proxyActivities<CheckoutActivities>({ ...options, summary });
}

/**
 * Emptying the bought cart and notifying the customer, once the purchase (or its undoing) is
 * decided. Since POST_ORDER_LOCAL_STEPS_PATCH they are local activities: run by the worker that
 * runs the checkout, with no activity task on the Temporal server (less work for it;
 * docs/benchmarks.md measures how much). Support does not act on them (a failure is flagged,
 * never waited on), and each is idempotent, so that a worker crash repeating them (the unfinished
 * workflow task runs them again) is harmless. Unlike the steps before the order (forwardStep),
 * they keep retrying in the worker and never become activities: nobody waits on them. Same
 * timeouts, retries and summaries as the ordinary activities they replace; the history shows each as a marker with its result. Their
 * final failure is an ActivityFailure as before (its cause the activity's error, or a
 * TimeoutFailure once scheduleToClose, counted from the first attempt, has passed), so the
 * handling around them is the same.
 *
 * Committing the stock is not one of them: it moves stock, and a commit that keeps failing is
 * what support reconciles (InventoryNotCommitted), so it stays a pending activity with its
 * attempts and last error in the Temporal UI. Being an activity also lets the shopper's answer
 * go out at once: local activities started in the workflow task that answers the awaitOutcome
 * update hold that answer until they end, while scheduling the commit ends that task.
 */
function postOrderActivities(local: boolean, options: ActivityOptions, summary: string) {
  if (!local) return activities(options, summary);
  const { startToCloseTimeout, scheduleToCloseTimeout, retry } = options;
  const localOptions: LocalActivityOptions = { startToCloseTimeout, scheduleToCloseTimeout, retry, localRetryThreshold: LOCAL_RETRY_THRESHOLD, summary };
  return proxyLocalActivities<CheckoutActivities>(localOptions);
}

export function orderTotal(lines: readonly CheckoutLine[]): number {
  return lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
}

export async function checkoutWorkflow(input: CheckoutInput): Promise<CheckoutResult> {
  // Decided once, at the start: a checkout keeps the behaviour it started with for its whole life.
  const safeEdges = patched(SAFE_EDGES_PATCH);
  const localSteps = patched(POST_ORDER_LOCAL_STEPS_PATCH);
  const localFirst = patched(LOCAL_FIRST_STEPS_PATCH);
  // A reset to the first workflow task must find the same order, so its id comes from the input.
  const orderId = safeEdges ? input.checkoutId : uuid4();
  const state = initialState(input, orderId);
  setHandler(getCheckoutStateQuery, () => state);
  let outcomeAwaited = false;
  setHandler(
    awaitOutcomeUpdate,
    async () => {
      outcomeAwaited = true;
      await condition(() => outcomeKnown(state, safeEdges));
      return state;
    },
    {
      // One per checkout: every submit of the same key shares the gateway's one update id. Another
      // would add an accepted update to the history for nothing, and an update accepted in the same
      // task as an activity result is what the SDK replays out of order after a crash (docs/runbook.md).
      // Validators do not run on replay, and a refusal leaves no trace, so old histories replay as before.
      validator: () => {
        if (outcomeAwaited) throw new Error('the outcome of this checkout is already awaited; read the checkout instead');
      },
      description: 'Answers once the shopper can be told how the checkout went (ordered, failed and undone, or waiting for support); one per checkout',
    },
  );
  publishStart(input, state);

  // Its own scope, so that a customer's or support's cancel stops just the steps that can be undone.
  const placing = new CancellationScope();
  const desk = new SupportDesk(state, () => placing.cancel(), safeEdges);
  const saga = new Saga(state, desk);
  let chargeId: string;
  try {
    chargeId = await placing.run(() => placeOrder(input, state, saga, desk, localFirst));
  } catch (error) {
    return abandon(input, state, saga, desk, error, safeEdges, localSteps);
  }

  // Paid and ordered: the purchase is decided. A cancellation arriving now must not
  // leave it half-done (stock reserved but never committed, customer never told).
  await CancellationScope.nonCancellable(() => completePurchase(input, state, saga, safeEdges, localSteps));
  state.step = 'done';
  publishStatus(state, 'completed');
  return { checkoutId: input.checkoutId, status: 'completed', orderId: state.orderId, chargeId, total: state.total };
}

/**
 * What the shopper is waiting to hear: the order is placed, the checkout failed (and, since
 * SAFE_EDGES_PATCH, everything it did is undone: "nothing was charged" is then true), or a
 * person must look at it.
 */
function outcomeKnown(state: CheckoutState, safeEdges: boolean): boolean {
  const failed = state.failure !== undefined && (state.status === 'failed' || !safeEdges);
  return Boolean(state.ordered) || failed || state.support !== undefined || state.status === 'completed';
}

function initialState(input: CheckoutInput, orderId: string): CheckoutState {
  return {
    checkoutId: input.checkoutId,
    customerId: input.customerId,
    status: 'running',
    step: 'started',
    total: { amount: orderTotal(input.lines ?? []), currency: input.currency ?? '' },
    lines: input.lines ?? [],
    ...(input.requestFingerprint ? { requestFingerprint: input.requestFingerprint } : {}),
    orderId,
    compensations: [],
    supportActions: [],
  };
}

function publishStart(input: CheckoutInput, state: CheckoutState): void {
  upsertSearchAttributes([
    { key: SEARCH_ATTRIBUTES.CustomerId, value: input.customerId },
    { key: SEARCH_ATTRIBUTES.OrderId, value: state.orderId },
    { key: SEARCH_ATTRIBUTES.CheckoutStatus, value: CHECKOUT_STATUS_VALUES[state.status] },
  ]);
  publishPurchase(state);
}

/**
 * The memo support sees in the UI's list: how much, how many lines. Ids and amounts only: the
 * memo is stored in plain text (the payload codec does not cover it), so no personal data goes
 * there; support finds the customer by the CustomerId search attribute.
 */
function publishPurchase(state: CheckoutState): void {
  upsertMemo({ total: state.total, lineCount: state.lines.length });
}

function publishStatus(state: CheckoutState, status: CheckoutStatus): void {
  state.status = status;
  upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.CheckoutStatus, value: CHECKOUT_STATUS_VALUES[status] }]);
}

function publishFailureReason(reason: string | null): void {
  upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.FailureReason, value: reason }]);
}

/** Runs the steps that can still be undone; returns the charge id. */
async function placeOrder(input: CheckoutInput, state: CheckoutState, saga: Saga, desk: SupportDesk, localFirst: boolean): Promise<string> {
  const { checkoutId, customerId } = input;

  if (!input.lines) {
    // A checkout of the customer's cart: lock it, and buy what it holds at the catalog's prices now.
    state.step = 'locking_cart';
    saga.register('releaseCart', () => activities(COMPENSATION, 'Compensation: unlock the cart').releaseCart({ checkoutId, customerId }));
    const cart = await desk.untilDone(state.step, () => forwardStep(localFirst, 'Lock the cart', (steps) => steps.lockCart({ checkoutId, customerId })));
    state.lines = cart.lines;
    state.total = { amount: orderTotal(cart.lines), currency: cart.currency };
    publishPurchase(state);
  }
  const { lines } = state;
  const currency = state.total.currency;

  state.step = 'reserving_inventory';
  saga.register('releaseInventory', () =>
    activities(COMPENSATION, 'Compensation: release the reserved stock').releaseInventory({ checkoutId }),
  );
  const { reservationId } = await desk.untilDone(state.step, () =>
    forwardStep(localFirst, 'Reserve the stock', (steps) => steps.reserveInventory({
      checkoutId,
      lines: lines.map(({ sku, quantity }) => ({ sku, quantity })),
    })),
  );
  state.reservationId = reservationId;

  state.step = 'charging_payment';
  saga.register('refundPayment', () => activities(COMPENSATION, 'Compensation: refund the charge').refundPayment({ checkoutId }));
  const { chargeId } = await desk.untilDone(state.step, () =>
    forwardStep(localFirst, 'Charge the customer', (steps) => steps.chargePayment({
      checkoutId,
      customerId: input.customerId,
      amount: state.total,
      paymentMethodId: input.paymentMethodId,
    })),
  );
  state.chargeId = chargeId;

  state.step = 'creating_order';
  saga.register('cancelOrder', () =>
    activities(COMPENSATION, 'Compensation: cancel the order').cancelOrder({ orderId: state.orderId, reason: 'checkout failed' }),
  );
  const placed = await desk.untilDone(state.step, () =>
    forwardStep(localFirst, 'Create the order', (steps) => steps.createOrder({
      orderId: state.orderId,
      checkoutId,
      customerId: input.customerId,
      customerEmail: input.customerEmail,
      ...(input.customerPhone ? { customerPhone: input.customerPhone } : {}),
      currency,
      lines,
      total: state.total.amount,
      shippingAddress: input.shippingAddress,
      chargeId,
    })),
  );
  if (placed.orderId !== state.orderId) {
    // The checkout already had its order under another id (started with a random order id, then
    // reset): that order is the purchase, paid for by this very charge, so it is kept.
    state.orderId = placed.orderId;
    upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.OrderId, value: placed.orderId }]);
  }
  // From here on the purchase completes; a customer's cancel no longer applies.
  state.ordered = true;
  return chargeId;
}

async function completePurchase(input: CheckoutInput, state: CheckoutState, saga: Saga, safeEdges: boolean, localSteps: boolean): Promise<void> {
  state.step = 'committing_inventory';
  try {
    // An ordinary activity on both paths (postOrderActivities says why); the shopper's answer leaves with its scheduling.
    await activities(AFTER_ORDER, 'Commit the reserved stock').commitInventory({ checkoutId: input.checkoutId });
  } catch (error) {
    // A refusal (e.g. the reservation expired and was released), or retries spent. The
    // customer has paid and the order exists: undoing that over a stock record is worse
    // than a person looking at it.
    state.inventoryCommitError = failureMessage(error);
    publishFailureReason(CHECKOUT_FAILURE_REASONS.InventoryNotCommitted);
    log.error('the reserved stock could not be committed; the order stands, support must reconcile the stock', {
      error: state.inventoryCommitError,
    });
  }

  if (!input.lines) {
    // Bought: the cart is emptied (and unlocked).
    state.step = 'completing_cart';
    try {
      await postOrderActivities(localSteps, AFTER_ORDER, 'Empty the bought cart').completeCart({ checkoutId: input.checkoutId, customerId: input.customerId });
      saga.forget('releaseCart');
    } catch (error) {
      // E.g. support released the cart by hand while the checkout waited. Nothing may fail
      // the purchase once the order exists: flag the cart for reconciliation and carry on.
      if (!safeEdges) throw error;
      state.cartCompletionError = failureMessage(error);
      publishFailureReason(CHECKOUT_FAILURE_REASONS.CartNotCompleted);
      log.error('the bought cart could not be emptied; the order stands, support must reconcile the cart', { error: state.cartCompletionError });
    }
  }

  state.step = 'notifying_customer';
  state.notificationError = await notifyCustomer(input, localSteps, 'order_confirmed', {
    orderId: state.orderId,
    total: state.total.amount,
    currency: state.total.currency,
  });
}

/**
 * Undoes what was done and ends the checkout. Every failure before the order is
 * placed gets here: business refusals, steps support cancelled (or nobody decided
 * on), and the customer's cancel. A cancellation of the workflow itself is
 * compensated too, and then rethrown so that the workflow ends cancelled.
 */
async function abandon(input: CheckoutInput, state: CheckoutState, saga: Saga, desk: SupportDesk, error: unknown, safeEdges: boolean, localSteps: boolean): Promise<CheckoutResult> {
  // A cancel asked through the checkout's own update or signal ends it as failed, with who and why;
  // a cancellation of the workflow itself (Temporal UI or CLI) ends it cancelled.
  const asked = desk.cancelDecision;
  const cancelled = isCancellation(error) && !asked;
  const failure: CheckoutFailure = asked
    ? { type: cancelReason(asked), message: asked.reason, step: state.step }
    : cancelled
      ? { type: CHECKOUT_FAILURE_REASONS.Cancelled, message: 'the checkout was cancelled', step: state.step }
      : describeFailure(error, state.step);
  state.failure = failure;
  publishFailureReason(failure.type);
  publishStatus(state, 'compensating');
  state.step = 'compensating';
  await saga.compensate();
  if (safeEdges) {
    // Undone: the outcome goes into the checkout's durable record, and only now may the
    // shopper be told (outcomeKnown) that nothing was charged and the cart is open again.
    state.recordError = await recordFailure(input, failure);
    publishStatus(state, 'failed');
  }

  // The customer who cancelled knows; everyone else hears how their checkout ended.
  if (!cancelled && asked?.by !== 'customer') {
    state.step = 'notifying_customer';
    // Since POST_ORDER_LOCAL_STEPS_PATCH the shopper's answer (decided above) leaves with the workflow
    // task that runs this local notification, so it waits for it: one call when notifications answer;
    // when they fail fast, the in-worker retries (about 3.5 s) until the first backoff longer than
    // LOCAL_RETRY_THRESHOLD becomes a timer and ends the task; when they hang, the SDK's workflow task
    // heartbeat (at 80% of the 10 s workflow task timeout) sends it after about 8 s. The gateway
    // answers 202 after GATEWAY_CHECKOUT_WAIT_MS (5 s) anyway; a timer to answer first would add a
    // workflow task to every failed checkout for that (docs/benchmarks.md).
    state.notificationError = await notifyCustomer(input, localSteps, 'checkout_failed', {
      checkoutId: input.checkoutId,
      reason: failure.type,
      // Stored with the notification for engineers, never shown to the customer; the service caps its length.
      message: failure.message.slice(0, MAX_NOTIFIED_MESSAGE_LENGTH),
    });
  }
  state.step = 'done';
  if (!safeEdges) publishStatus(state, 'failed');
  if (cancelled) throw error;
  return { checkoutId: input.checkoutId, status: 'failed', total: state.total, failure };
}

/**
 * Writes the failure into the checkout's durable record (orders service). Returns why it could
 * not, if it could not: the checkout then still ends, and its record says `started` until support
 * records it; while Temporal keeps the workflow, the gateway reads the outcome from it.
 */
async function recordFailure(input: CheckoutInput, failure: CheckoutFailure): Promise<string | undefined> {
  try {
    // Also when the workflow itself was cancelled: the record must say how it ended.
    await CancellationScope.nonCancellable(() =>
      activities(COMPENSATION, 'Record the failure').recordCheckoutFailure({ checkoutId: input.checkoutId, customerId: input.customerId, failure }),
    );
    return undefined;
  } catch (error) {
    const reason = failureMessage(error);
    log.error('the failure could not be written to the checkout record; the checkout still ends', { error: reason });
    return reason;
  }
}

/** Sends a notification; returns why it could not be sent, if it could not. It never fails the checkout. */
async function notifyCustomer(
  input: CheckoutInput,
  local: boolean,
  template: NotificationTemplate,
  data: Record<string, string | number>,
): Promise<string | undefined> {
  try {
    await postOrderActivities(local, NOTIFICATION, `Notify the customer: ${template}`).notifyCustomer({
      checkoutId: input.checkoutId,
      customerId: input.customerId,
      email: input.customerEmail,
      ...(input.customerPhone ? { phone: input.customerPhone } : {}),
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

  constructor(
    private readonly state: CheckoutState,
    private readonly desk: SupportDesk,
  ) {}

  /** A step whose compensation no longer applies (the cart was emptied by the purchase). */
  forget(name: CompensationRecord['name']): void {
    const record = this.state.compensations.find((candidate) => candidate.name === name);
    if (record) record.status = 'done';
  }

  register(name: CompensationRecord['name'], run: () => Promise<void>): void {
    const record: CompensationRecord = { name, status: 'pending' };
    this.state.compensations.push(record);
    this.registered.push({ record, run });
  }

  async compensate(): Promise<void> {
    await CancellationScope.nonCancellable(async () => {
      for (const { record, run } of [...this.registered].reverse()) {
        for (;;) {
          try {
            await run();
            record.status = 'done';
            delete record.error;
            break;
          } catch (error) {
            record.error = failureMessage(error);
            if (!patched(SUPPORT_DESK_PATCH)) {
              record.status = 'failed';
              log.error('compensation failed', { compensation: record.name, error: record.error });
              break;
            }
            log.error('compensation failed; waiting for support', { compensation: record.name, error: record.error });
            const decision = await this.desk.waitForSupport('compensation', record.name, record.error);
            if (decision.action === 'retry') continue;
            // Support resolves it by hand (or nobody decided): the others still run, and the original failure stays the result.
            record.status = 'failed';
            break;
          }
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

/**
 * Where a stuck checkout waits for a person. Support's retry and cancel come in
 * as updates (validated, answered with the state) or as signals (for the
 * Temporal UI; one that does not apply is recorded as ignored). Each decision,
 * with its reason and actor, is kept in the state and in the history.
 */
class SupportDesk {
  private decision?: SupportAction;
  /** Set once a cancel has been accepted; the checkout then ends failed with this reason. */
  cancelDecision?: SupportAction;

  /** How many times this checkout has waited for support. */
  private waits = 0;

  constructor(
    private readonly state: CheckoutState,
    private readonly cancelPlacing: () => void,
    /** Since SAFE_EDGES_PATCH, support is asked at most MAX_SUPPORT_WAITS times. */
    private readonly boundedWaits: boolean,
  ) {
    setHandler(retryCheckoutUpdate, (request) => this.retry(request), {
      validator: (request) => this.assertRetryAllowed(request),
      description: 'Support: try the stuck step (or compensation) again',
    });
    setHandler(cancelCheckoutUpdate, (request) => this.cancel(request), {
      validator: (request) => this.assertCancelAllowed(request),
      description: 'Cancel: by the customer before paying, or by support; what was done is undone',
    });
    setHandler(retryCheckoutSignal, (request) => this.fromSignal('retry', () => this.assertRetryAllowed(request), () => this.retry(request), request));
    setHandler(cancelCheckoutSignal, (request) => {
      const asSupport: CancelRequest = { ...request, by: 'support' };
      this.fromSignal('cancel', () => this.assertCancelAllowed(asSupport), () => this.cancel(asSupport), request);
    });
  }

  /** Runs a forward step; when its retries run out for a reason that is not a business refusal, asks support. */
  async untilDone<T>(step: CheckoutStep, run: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await run();
      } catch (error) {
        if (isCancellation(error) || isBusinessFailure(error) || !patched(SUPPORT_DESK_PATCH)) throw error;
        const decision = await this.waitForSupport('step', step, failureMessage(error));
        if (decision.action === 'cancel') throw ApplicationFailure.create({ type: cancelReason(decision), message: decision.reason, nonRetryable: true });
      }
    }
  }

  async waitForSupport(kind: 'step' | 'compensation', stuck: string, error: string): Promise<SupportAction> {
    if (this.boundedWaits && this.waits >= MAX_SUPPORT_WAITS) {
      // Asked often enough: waiting again would make the checkout's life (and history) unbounded.
      // A stuck step is undone; a stuck compensation is left failed, for support to finish by hand.
      const decision = this.record({ action: 'cancel', reason: `not waiting for support again: it was asked ${MAX_SUPPORT_WAITS} times`, by: 'deadline' });
      if (kind === 'step') this.cancelDecision = decision;
      log.error('support was asked too often; not waiting again', { kind, stuck, error });
      return decision;
    }
    this.waits += 1;
    const previousStatus = this.state.status;
    const now = Date.now();
    this.decision = undefined;
    this.state.support = { kind, stuck, error, since: new Date(now).toISOString(), deadline: new Date(now + SUPPORT_DEADLINE_MS).toISOString() };
    publishStatus(this.state, 'waiting_for_support');
    publishFailureReason(kind === 'step' ? CHECKOUT_FAILURE_REASONS.StepStuck : CHECKOUT_FAILURE_REASONS.CompensationStuck);
    log.warn('waiting for support', { kind, stuck, error });

    const decided = await this.waitForDecision(kind, stuck, now + SUPPORT_DEADLINE_MS);
    const decision: SupportAction = decided
      ? this.decision!
      : this.record({ action: 'cancel', reason: `nobody decided within ${SUPPORT_DEADLINE_MS / 3_600_000}h`, by: 'deadline' });
    if (!decided && kind === 'step') this.cancelDecision = decision;

    delete this.state.support;
    publishStatus(this.state, previousStatus);
    publishFailureReason(this.state.failure?.type ?? null);
    return decision;
  }

  /** Until support decides or the deadline passes; a reserved stock is kept reserved meanwhile. */
  private async waitForDecision(kind: 'step' | 'compensation', stuck: string, deadline: number): Promise<boolean> {
    const summary = `Waiting for support: ${stuck} is stuck`;
    const holdsStock = kind === 'step' && this.state.reservationId !== undefined;
    if (!holdsStock || !patched(HOLD_STOCK_WHILE_WAITING_PATCH)) {
      return condition(() => this.decision !== undefined, deadline - Date.now(), { summary });
    }
    for (;;) {
      await this.holdStock();
      const remaining = deadline - Date.now();
      if (remaining <= 0) return this.decision !== undefined;
      const decided = await condition(() => this.decision !== undefined, Math.min(remaining, RESERVATION_REFRESH_INTERVAL_MS), { summary });
      if (decided) return true;
    }
  }

  /** Best effort: a reservation that cannot be extended is noticed when the purchase commits it (InventoryNotCommitted). */
  private async holdStock(): Promise<void> {
    try {
      await activities(NOTIFICATION, 'Keep the reserved stock while waiting').extendReservation({
        checkoutId: this.state.checkoutId,
        ttlSeconds: RESERVATION_HOLD_SECONDS,
      });
    } catch (error) {
      log.warn('the reservation could not be extended while waiting for support', { error: failureMessage(error) });
    }
  }

  private retry(request: SupportRequest): CheckoutState {
    this.decision = this.record({ action: 'retry', reason: request.reason.trim(), actor: request.actor, by: 'support' });
    return this.state;
  }

  private cancel(request: CancelRequest): CheckoutState {
    const decision = this.record({ action: 'cancel', reason: request.reason.trim(), actor: request.actor, by: request.by });
    if (this.state.support) {
      this.decision = decision;
      // A stuck compensation that support resolves by hand does not turn the checkout into a cancelled one.
      if (this.state.support.kind === 'step') this.cancelDecision = decision;
    } else {
      this.cancelDecision = decision;
      this.cancelPlacing();
    }
    return this.state;
  }

  private assertRetryAllowed(request: SupportRequest): void {
    assertReason(request);
    if (!this.state.support) throw new Error(`only a checkout waiting for support can be retried; this one is ${this.state.status}`);
    if (this.decision) throw new Error('a decision for this wait was already taken');
  }

  private assertCancelAllowed(request: CancelRequest): void {
    assertReason(request);
    if (request.by !== 'customer' && request.by !== 'support') throw new Error("'by' must be 'customer' or 'support'");
    if (this.cancelDecision || this.decision) throw new Error('the checkout is already being cancelled or retried');
    if (this.state.support) {
      if (request.by !== 'support') throw new Error('the checkout is waiting for support; only support can cancel it now');
      return;
    }
    if (this.state.status !== 'running' || this.state.ordered) throw new Error(`the checkout can no longer be cancelled: it is ${this.state.status}${this.state.ordered ? ' and the order is placed' : ''}`);
    if (request.by === 'customer' && this.state.chargeId) throw new Error('the payment went through; the order can be cancelled instead');
  }

  private fromSignal(action: SupportAction['action'], validate: () => void, apply: () => void, request: SupportRequest): void {
    try {
      validate();
    } catch (error) {
      const ignored = error instanceof Error ? error.message : String(error);
      this.record({ action, reason: String(request?.reason ?? ''), actor: request?.actor, by: 'support', ignored });
      log.warn('ignored a support signal that does not apply', { action, ignored });
      return;
    }
    apply();
  }

  private record(action: Omit<SupportAction, 'at'>): SupportAction {
    const entry: SupportAction = { ...action, at: new Date().toISOString() };
    if (entry.actor === undefined) delete entry.actor;
    this.state.supportActions.push(entry);
    return entry;
  }
}

const MAX_REASON_LENGTH = 500;

function assertReason(request: SupportRequest | undefined): void {
  const reason = typeof request?.reason === 'string' ? request.reason.trim() : '';
  if (!reason) throw new Error('a reason is required');
  if (reason.length > MAX_REASON_LENGTH) throw new Error(`the reason must be at most ${MAX_REASON_LENGTH} characters`);
  if (request?.actor !== undefined && (typeof request.actor !== 'string' || request.actor.length > 200)) throw new Error('actor must be a string of at most 200 characters');
}

function cancelReason(decision: SupportAction): string {
  if (decision.by === 'customer') return CHECKOUT_FAILURE_REASONS.CancelledByCustomer;
  if (decision.by === 'deadline') return CHECKOUT_FAILURE_REASONS.SupportDeadlinePassed;
  return CHECKOUT_FAILURE_REASONS.CancelledBySupport;
}

function isBusinessFailure(error: unknown): boolean {
  const cause = rootCause(error);
  return cause instanceof ApplicationFailure && isBusinessFailureType(cause.type);
}
