/**
 * Request validation for the orders API. Each schema is pinned to the type
 * generated from openapi/orders.yaml, so the two cannot drift apart.
 */
import { z } from 'zod';
import { ShippingAddress as SharedShippingAddress } from '../../platform/http/shared-schemas';
import { pageQuery, refineUniqueSkus, specPattern, nonBlankText } from '../../platform/http/zod-helpers';
import { MAX_LINE_QUANTITY, MAX_ORDER_LINES, MAX_ORDER_TOTAL, MAX_UNIT_PRICE } from '../../platform/limits';
import type { components } from './api.gen';

type Schemas = components['schemas'];

// Read from the spec's patterns, so spec and validation accept exactly the same strings (the code lists are kept once).
export const Email = specPattern('orders.yaml', 'Email', 'must be an e-mail address');
export const Currency = specPattern('orders.yaml', 'Currency', 'must be an ISO 4217 currency code in upper case, e.g. USD');

export const OrderId = z.uuid('must be a UUID').transform((id) => id.toLowerCase());
export const OrderIdParams = z.object({ orderId: OrderId });

const identifier = (extra: string, max: number) =>
  z.string().regex(new RegExp(`^[A-Za-z0-9][A-Za-z0-9.${extra}_-]{0,${max - 1}}$`), `must be 1-${max} letters, digits or ".${extra}_-"`);

export const CheckoutId = identifier(':', 128);
export const CustomerId = identifier(':@', 128);
export const ChargeId = identifier(':', 128);
export const Sku = identifier('', 64);
export const OrderStatus = z.enum(['placed', 'paid', 'shipped', 'delivered', 'cancelled']) satisfies z.ZodType<Schemas['OrderStatus']>;


export const OrderLine = z.strictObject({
  sku: Sku,
  name: nonBlankText(200),
  quantity: z.number().int().min(1).max(MAX_LINE_QUANTITY),
  unitPrice: z.number().int().min(0).max(MAX_UNIT_PRICE),
}) satisfies z.ZodType<Schemas['OrderLine']>;

export const ShippingAddress = SharedShippingAddress satisfies z.ZodType<Schemas['ShippingAddress']>;

export const CreateOrderRequest = z.strictObject({
  checkoutId: CheckoutId,
  customerId: CustomerId,
  customerEmail: z.string().max(254).pipe(Email),
  customerPhone: z.string().regex(/^\+[1-9][0-9]{6,14}$/, 'must be an E.164 phone number, like +441234567890').optional(),
  currency: Currency,
  lines: z
    .array(OrderLine)
    .min(1)
    .max(MAX_ORDER_LINES)
    .superRefine(refineUniqueSkus),
  // The lines' sum is exact in a double (at most 10^14), so a total past the bound is refused here and a wrong one by the domain.
  total: z.number().int().min(0).max(MAX_ORDER_TOTAL),
  shippingAddress: ShippingAddress,
  chargeId: ChargeId,
}) satisfies z.ZodType<Schemas['CreateOrderRequest']>;

export const CancelOrderRequest = z.strictObject({
  reason: nonBlankText(500),
}) satisfies z.ZodType<Schemas['CancelOrderRequest']>;

/** The body is optional: no body (or an empty one) is no note. */
export const StatusChangeRequest = z
  .strictObject({ note: nonBlankText(500).optional() })
  .optional()
  .transform((body) => body ?? {}) satisfies z.ZodType<Schemas['StatusChangeRequest']>;

export const CheckoutIdParams = z.object({ checkoutId: CheckoutId });

export const RecordCheckoutRequest = z.strictObject({
  customerId: CustomerId,
  idempotencyKey: z.string().min(1).max(255).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces').optional(),
  requestFingerprint: z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in hex').optional(),
}) satisfies z.ZodType<Schemas['RecordCheckoutRequest']>;

export const CheckoutFailure = z.strictObject({
  type: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/, 'must be a failure type, e.g. PaymentDeclined'),
  message: nonBlankText(2000),
  step: z.string().regex(/^[a-z][a-z_]{0,63}$/, 'must be a checkout step, e.g. charging_payment'),
}) satisfies z.ZodType<Schemas['CheckoutFailure']>;

export const RecordCheckoutFailureRequest = z.strictObject({
  customerId: CustomerId,
  failure: CheckoutFailure,
}) satisfies z.ZodType<Schemas['RecordCheckoutFailureRequest']>;

export const ListOrdersQuery = z.strictObject({
  customerId: CustomerId.optional(),
  status: OrderStatus.optional(),
  ...pageQuery,
});
