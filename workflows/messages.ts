/**
 * The checkout workflow's public contract: input, result, state and query.
 * Imported by the workflow, the worker, the scripts that start checkouts and the tests.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

export interface Money {
  /** Minor units (cents); prices are never floats. */
  amount: number;
  /** ISO 4217, upper case. */
  currency: string;
}

export interface CheckoutLine {
  sku: string;
  name: string;
  quantity: number;
  /** Price per unit in minor units, in the checkout's currency, as snapshotted when the checkout started. */
  unitPrice: number;
}

export interface ShippingAddress {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  postalCode: string;
  country: string;
}

export interface CheckoutInput {
  /** Stable id of this checkout; the workflow id is derived from it. */
  checkoutId: string;
  customerId: string;
  customerEmail: string;
  /** E.164, from the customer's profile; with it, messages also go out by SMS. */
  customerPhone?: string;
  /** With `lines`: what is bought, as given. Without: the customer's cart is locked and bought at its current prices. */
  currency?: string;
  lines?: CheckoutLine[];
  /** A hash of the request that started the checkout: the gateway refuses the same key with another request. */
  requestFingerprint?: string;
  /** A token from the payments service (`POST /payment-methods`); card data never reaches the workflow. */
  paymentMethodId: string;
  shippingAddress: ShippingAddress;
}

export type CheckoutStep =
  | 'started'
  | 'locking_cart'
  | 'reserving_inventory'
  | 'charging_payment'
  | 'creating_order'
  | 'committing_inventory'
  | 'completing_cart'
  | 'notifying_customer'
  | 'compensating'
  | 'done';

export type CheckoutStatus = 'running' | 'waiting_for_support' | 'completed' | 'compensating' | 'failed';

export interface CheckoutFailure {
  /** A BUSINESS_FAILURES type, or 'Unexpected'. */
  type: string;
  message: string;
  step: CheckoutStep;
}

export interface CompensationRecord {
  name: 'releaseCart' | 'releaseInventory' | 'refundPayment' | 'cancelOrder';
  status: 'pending' | 'done' | 'failed';
  error?: string;
}

export interface SupportCase {
  /** A forward step whose retries ran out, or a compensation that could not complete. */
  kind: 'step' | 'compensation';
  /** The step (or, for a compensation, its name) that is stuck. */
  stuck: string;
  error: string;
  since: string;
  /** When the checkout stops waiting: a stuck step is then undone and the customer told. */
  deadline: string;
}

export interface SupportAction {
  action: 'retry' | 'cancel';
  reason: string;
  actor?: string;
  by?: 'customer' | 'support' | 'deadline';
  at: string;
  /** Why it was ignored (a signal that did not apply). */
  ignored?: string;
}

export interface CheckoutState {
  checkoutId: string;
  customerId: string;
  status: CheckoutStatus;
  step: CheckoutStep;
  total: Money;
  requestFingerprint?: string;
  /** What is being bought: the input's lines, or the cart's once it is locked. */
  lines: CheckoutLine[];
  orderId: string;
  reservationId?: string;
  chargeId?: string;
  failure?: CheckoutFailure;
  compensations: CompensationRecord[];
  /** The order exists: the purchase completes from here, and cancelling no longer applies. */
  ordered?: boolean;
  /** Set while the checkout waits for support: what is stuck, why, and until when. */
  support?: SupportCase;
  /** Every retry and cancel asked for, in order, with who asked and why. */
  supportActions: SupportAction[];
  /** The notification could not be sent; the purchase stands regardless. */
  notificationError?: string;
  /**
   * The inventory service refused to commit the reservation (e.g. it expired
   * first). The purchase stands (paid and ordered); support reconciles the stock.
   */
  inventoryCommitError?: string;
  /** The cart service refused to empty the bought cart. The purchase stands; support reconciles the cart. */
  cartCompletionError?: string;
  /** The failure could not be written to the checkout's durable record (orders service). */
  recordError?: string;
}

export interface CheckoutResult {
  checkoutId: string;
  status: 'completed' | 'failed';
  orderId?: string;
  chargeId?: string;
  total: Money;
  failure?: CheckoutFailure;
}

export const getCheckoutStateQuery = defineQuery<CheckoutState>('getCheckoutState');

/**
 * Answers once the checkout's outcome for the shopper is known: ordered, failed
 * (with the reason), or waiting for support. The gateway sends it with the
 * start (update-with-start), so a quick checkout is answered in one request.
 */
export const awaitOutcomeUpdate = defineUpdate<CheckoutState>('awaitOutcome');

/**
 * The one update id every submit of a checkout uses for awaitOutcome: the server
 * then joins repeats to the update in flight (or answers its outcome), instead of
 * adding an update per submit. Ids are per workflow run, so a constant is enough.
 */
export const OUTCOME_UPDATE_ID = 'awaitOutcome';

/** Who asks support's questions: a person, with a reason that goes into the workflow's history. */
export interface SupportRequest {
  /** Why; shown in the checkout's state and kept in its history. 1–500 characters. */
  reason: string;
  /** Who decided (e.g. a support agent's e-mail); optional. */
  actor?: string;
}

export interface CancelRequest extends SupportRequest {
  /** `customer`: only before the payment went through. `support`: while the checkout waits for support, or before the order exists. */
  by: 'customer' | 'support';
}

/**
 * Support's two levers on a checkout that waits for them. As updates they are
 * validated (refused with the reason when they do not apply) and answer with
 * the checkout's state; the signals of the same meaning are for tools that can
 * only signal (e.g. the Temporal UI), and an invalid one is recorded and ignored.
 */
export const retryCheckoutUpdate = defineUpdate<CheckoutState, [SupportRequest]>('retryCheckout');
export const cancelCheckoutUpdate = defineUpdate<CheckoutState, [CancelRequest]>('cancelCheckout');
export const retryCheckoutSignal = defineSignal<[SupportRequest]>('retry');
export const cancelCheckoutSignal = defineSignal<[SupportRequest]>('cancel');

/** Workflow ids are derived from the checkout id, so a repeated start finds the running checkout. */
export function checkoutWorkflowId(checkoutId: string): string {
  return `checkout-${checkoutId}`;
}
