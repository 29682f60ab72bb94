/**
 * Request validation for the cart API. Each schema is pinned to the type
 * generated from openapi/cart.yaml, so the two cannot drift apart.
 */
import { z } from 'zod';
import type { components } from './api.gen';
import { MAX_CART_QUANTITY } from './domain';

type Schemas = components['schemas'];

const identifier = (extra: string, max: number) =>
  z.string().regex(new RegExp(`^[A-Za-z0-9][A-Za-z0-9.${extra}_-]{0,${max - 1}}$`), `must be 1-${max} letters, digits or ".${extra}_-"`);

export const CustomerId = identifier(':@', 128);
export const CheckoutId = identifier(':', 128);
export const Sku = identifier('', 64);

export const CustomerParams = z.object({ customerId: CustomerId });
export const ItemParams = z.object({ customerId: CustomerId, sku: Sku });
export const CheckoutParams = z.object({ customerId: CustomerId, checkoutId: CheckoutId });

export const SetQuantityRequest = z.strictObject({
  quantity: z.number().int().min(1).max(MAX_CART_QUANTITY),
}) satisfies z.ZodType<Schemas['SetQuantityRequest']>;

export const LockCartRequest = z.strictObject({
  checkoutId: CheckoutId,
}) satisfies z.ZodType<Schemas['LockCartRequest']>;
