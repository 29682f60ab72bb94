/**
 * The checkout workflow's public contract: input, result, state and query.
 * Imported by the workflow, the worker, the scripts that start checkouts and the tests.
 */
import { defineQuery } from '@temporalio/workflow';

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
  currency: string;
  lines: CheckoutLine[];
  /** A token from the payments service (`POST /payment-methods`); card data never reaches the workflow. */
  paymentMethodId: string;
  shippingAddress: ShippingAddress;
}

export type CheckoutStep =
  | 'started'
  | 'reserving_inventory'
  | 'charging_payment'
  | 'creating_order'
  | 'committing_inventory'
  | 'notifying_customer'
  | 'compensating'
  | 'done';

export type CheckoutStatus = 'running' | 'completed' | 'compensating' | 'failed';

export interface CheckoutFailure {
  /** A BUSINESS_FAILURES type, or 'Unexpected'. */
  type: string;
  message: string;
  step: CheckoutStep;
}

export interface CompensationRecord {
  name: 'releaseInventory' | 'refundPayment' | 'cancelOrder';
  status: 'pending' | 'done' | 'failed';
  error?: string;
}

export interface CheckoutState {
  checkoutId: string;
  customerId: string;
  status: CheckoutStatus;
  step: CheckoutStep;
  total: Money;
  orderId: string;
  reservationId?: string;
  chargeId?: string;
  failure?: CheckoutFailure;
  compensations: CompensationRecord[];
  /** The notification could not be sent; the purchase stands regardless. */
  notificationError?: string;
  /**
   * The inventory service refused to commit the reservation (e.g. it expired
   * first). The purchase stands (paid and ordered); support reconciles the stock.
   */
  inventoryCommitError?: string;
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

/** Workflow ids are derived from the checkout id, so a repeated start finds the running checkout. */
export function checkoutWorkflowId(checkoutId: string): string {
  return `checkout-${checkoutId}`;
}
