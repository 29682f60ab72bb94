/**
 * The checkout's steps as a shopper sees them, derived from the gateway's
 * checkout view (`GET /checkouts/{id}`: `step`, `status`, `failure`). All of
 * the mapping lives here, so a richer progress field in the view later
 * changes this module only.
 */
import type { components } from './api/gateway.gen';

type Checkout = components['schemas']['Checkout'];

export type StepId = 'cart' | 'stock' | 'payment' | 'order' | 'notify';

export type StepState =
  /** Not reached yet. */
  | 'pending'
  /** Happening now. */
  | 'active'
  | 'done'
  /** Where it stopped. */
  | 'failed'
  /** Was done, then undone because a later step failed. */
  | 'undone'
  /** Stuck: a person at the shop is looking at it. */
  | 'waiting';

export interface ProgressStep {
  id: StepId;
  label: string;
  state: StepState;
}

export type Outcome = 'running' | 'waiting' | 'undoing' | 'completed' | 'failed';

export interface Progress {
  steps: ProgressStep[];
  outcome: Outcome;
  /** Whether money was (or stays) taken: false when the checkout stopped before the charge or its refund ran. */
  charged: boolean;
}

const STEPS: { id: StepId; label: string; undone: string }[] = [
  { id: 'cart', label: 'Cart locked', undone: 'Cart unlocked again' },
  { id: 'stock', label: 'Stock reserved', undone: 'Stock released' },
  { id: 'payment', label: 'Card charged', undone: 'Payment refunded' },
  { id: 'order', label: 'Order placed', undone: 'Order cancelled' },
  { id: 'notify', label: 'Customer told', undone: 'Customer told' },
];

/** The workflow's step → the shopper's step it is working on. */
const ACTIVE_STEP: Record<string, StepId | 'all-done'> = {
  started: 'cart',
  locking_cart: 'cart',
  reserving_inventory: 'stock',
  charging_payment: 'payment',
  creating_order: 'order',
  // Stock committed and the cart emptied: part of placing the order, as the shopper sees it; telling them is next.
  committing_inventory: 'notify',
  completing_cart: 'notify',
  notifying_customer: 'notify',
  done: 'all-done',
};

/** Where a failed checkout stopped, by its failure type, when the view does not carry the failed step. */
const FAILED_AT: Record<string, StepId> = {
  CartEmpty: 'cart',
  CartLocked: 'cart',
  ProductUnavailable: 'cart',
  CartTooLarge: 'cart',
  OutOfStock: 'stock',
  PaymentDeclined: 'payment',
  InsufficientFunds: 'payment',
  OrderRejected: 'order',
};

/** Failure types that mean the card was never charged. */
const NOTHING_CHARGED = new Set(['CartEmpty', 'CartLocked', 'ProductUnavailable', 'CartTooLarge', 'OutOfStock', 'PaymentDeclined', 'InsufficientFunds']);

const indexOf = (id: StepId) => STEPS.findIndex((step) => step.id === id);

function steps(stateAt: (index: number) => StepState, undoneLabels = false): ProgressStep[] {
  return STEPS.map((step, index) => {
    const state = stateAt(index);
    return { id: step.id, label: undoneLabels && state === 'undone' ? step.undone : step.label, state };
  });
}

export function progressOf(view: Pick<Checkout, 'step' | 'status' | 'failure' | 'orderId' | 'waitingForSupport'>): Progress {
  if (view.status === 'failed' || view.status === 'compensating' || view.failure) {
    const failedStep = view.failure?.step ? ACTIVE_STEP[view.failure.step] : undefined;
    const failedAt = failedStep && failedStep !== 'all-done' ? failedStep : view.failure ? FAILED_AT[view.failure.type] : undefined;
    const failedIndex = failedAt ? indexOf(failedAt) : -1;
    const undoing = view.status === 'compensating';
    return {
      steps: steps((index) => (failedIndex < 0 ? 'pending' : index < failedIndex ? 'undone' : index === failedIndex ? 'failed' : 'pending'), true),
      outcome: view.status === 'failed' ? 'failed' : undoing ? 'undoing' : view.waitingForSupport ? 'waiting' : 'failed',
      charged: !(view.failure && NOTHING_CHARGED.has(view.failure.type)),
    };
  }
  const active = ACTIVE_STEP[view.step] ?? 'cart';
  if (view.status === 'completed' || active === 'all-done') {
    return { steps: steps(() => 'done'), outcome: view.status === 'completed' ? 'completed' : 'running', charged: true };
  }
  const activeIndex = indexOf(active);
  const waiting = view.status === 'waiting_for_support' || view.waitingForSupport === true;
  return {
    steps: steps((index) => (index < activeIndex ? 'done' : index === activeIndex ? (waiting ? 'waiting' : 'active') : 'pending')),
    outcome: waiting ? 'waiting' : 'running',
    charged: activeIndex > indexOf('payment'),
  };
}

export function isFinished(view: Pick<Checkout, 'status'>): boolean {
  return view.status === 'completed' || view.status === 'failed';
}

/** Failure types → the problem types the gateway answers POST /checkouts with, so both read the same. */
export const FAILURE_PROBLEM: Record<string, string> = {
  PaymentDeclined: 'payment-declined',
  InsufficientFunds: 'payment-declined',
  OutOfStock: 'out-of-stock',
  CartLocked: 'cart-locked',
  CartEmpty: 'cart-empty',
  ProductUnavailable: 'product-unavailable',
  CartTooLarge: 'cart-total-too-large',
};
