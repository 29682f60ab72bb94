/**
 * Failure types shared by activities (which raise them) and the checkout workflow
 * (which decides on them). Business failures are non-retryable ApplicationFailures
 * of one of these types; anything else is transient and retried by Temporal.
 */
export const BUSINESS_FAILURES = {
  OutOfStock: 'OutOfStock',
  PaymentDeclined: 'PaymentDeclined',
  InsufficientFunds: 'InsufficientFunds',
  OrderRejected: 'OrderRejected',
  /** A service refused the request as invalid (4xx): retrying the same request cannot help. */
  InvalidRequest: 'InvalidRequest',
  /** A compensation for this checkout already ran, so the step is refused for good. */
  AlreadyCompensated: 'AlreadyCompensated',
  /** The customer's cart has nothing to check out. */
  CartEmpty: 'CartEmpty',
  /** Another checkout is running on the customer's cart. */
  CartLocked: 'CartLocked',
  /** An item in the cart is no longer sold (or is priced in another currency). */
  ProductUnavailable: 'ProductUnavailable',
  /** The cart totals more than one order may (platform/limits.ts). */
  CartTooLarge: 'CartTooLarge',
} as const;

export type BusinessFailureType = (typeof BUSINESS_FAILURES)[keyof typeof BUSINESS_FAILURES];

export const BUSINESS_FAILURE_TYPES: readonly string[] = Object.values(BUSINESS_FAILURES);

export function isBusinessFailureType(type: string | undefined | null): type is BusinessFailureType {
  return type != null && BUSINESS_FAILURE_TYPES.includes(type);
}
