/**
 * What the checkout workflow may ask of the outside world. `createActivities`
 * implements it over the services' typed HTTP clients; workflow tests mock it.
 * Every call carries the checkout id, which the activities turn into idempotency
 * keys (checkout id + step), so a retried call never repeats a side effect.
 */
import type { CheckoutFailure, CheckoutLine, ShippingAddress, Money } from '../workflows/messages';

export interface ReserveInventoryInput {
  checkoutId: string;
  lines: Pick<CheckoutLine, 'sku' | 'quantity'>[];
}

export interface ChargePaymentInput {
  checkoutId: string;
  customerId: string;
  amount: Money;
  paymentMethodId: string;
}

export interface CreateOrderInput {
  orderId: string;
  checkoutId: string;
  customerId: string;
  customerEmail: string;
  /** E.164; with it, the order's status changes also go out by SMS. */
  customerPhone?: string;
  currency: string;
  lines: CheckoutLine[];
  total: number;
  shippingAddress: ShippingAddress;
  chargeId: string;
}

export interface RecordCheckoutFailureInput {
  checkoutId: string;
  customerId: string;
  failure: CheckoutFailure;
}

export type NotificationTemplate = 'order_confirmed' | 'checkout_failed';

export interface NotifyCustomerInput {
  checkoutId: string;
  customerId: string;
  email: string;
  /** With it, the message also goes out by SMS. */
  phone?: string;
  template: NotificationTemplate;
  /** Values the template shows: order id, total, failure reason... */
  data: Record<string, string | number>;
}

export interface CartCheckoutInput {
  checkoutId: string;
  customerId: string;
}

export interface CheckoutActivities {
  /**
   * Locks the customer's cart for this checkout and answers what to buy, at the
   * catalog's current prices. Throws non-retryable `CartEmpty`, `CartLocked`, `ProductUnavailable`.
   */
  lockCart(input: CartCheckoutInput): Promise<{ lines: CheckoutLine[]; currency: string }>;
  /** Unlocks the cart; harmless when this checkout never locked it. */
  releaseCart(input: CartCheckoutInput): Promise<void>;
  /** The purchase is done: the cart is emptied and unlocked. */
  completeCart(input: CartCheckoutInput): Promise<void>;
  /** Throws a non-retryable `OutOfStock` failure when any line cannot be reserved; reserves nothing then. */
  reserveInventory(input: ReserveInventoryInput): Promise<{ reservationId: string }>;
  /** Harmless when nothing was reserved: it then blocks a late reservation for this checkout. */
  releaseInventory(input: { checkoutId: string }): Promise<void>;
  commitInventory(input: { checkoutId: string }): Promise<void>;
  /** Keeps the checkout's reservation at least `ttlSeconds` longer (while it waits for support). */
  extendReservation(input: { checkoutId: string; ttlSeconds: number }): Promise<void>;
  /** Throws non-retryable `PaymentDeclined` / `InsufficientFunds` failures. */
  chargePayment(input: ChargePaymentInput): Promise<{ chargeId: string }>;
  /** Refunds the checkout's charge in full; harmless (and blocks a late charge) when there is none. */
  refundPayment(input: { checkoutId: string }): Promise<void>;
  /**
   * Answers the id of the checkout's order: the one asked for, or the one the checkout already
   * has (adopted: a checkout never has two orders, and an existing order is never undone).
   */
  createOrder(input: CreateOrderInput): Promise<{ orderId: string }>;
  /** Writes the checkout's failure into its durable record (orders service), once it is undone. */
  recordCheckoutFailure(input: RecordCheckoutFailureInput): Promise<void>;
  /** Harmless when the order was never created: it then blocks a late creation. */
  cancelOrder(input: { orderId: string; reason: string }): Promise<void>;
  notifyCustomer(input: NotifyCustomerInput): Promise<{ notificationId: string }>;
}
