/**
 * Request validation for the inventory API. Each schema is pinned to the type
 * generated from openapi/inventory.yaml, so the two cannot drift apart.
 */
import { z } from 'zod';
import { nonBlankText, pageQuery, refineUniqueSkus } from '../../platform/http/zod-helpers';
import { MAX_LINE_QUANTITY, MAX_ORDER_LINES } from '../../platform/limits';
import { MAX_STOCK_ON_HAND } from './domain';
import type { components } from './api.gen';

type Schemas = components['schemas'];

export const Sku = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit');

export const SkuParams = z.object({ sku: Sku });

export const ReservationIdParams = z.object({
  reservationId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be 1-128 letters, digits, ".", "_", ":" or "-"'),
});

export const ListStockQuery = z.strictObject({
  // The spec's form style without explode: one value, the SKUs joined by commas. Each part must be a
  // SKU as it stands (no blanks to trim or skip), so that what the spec refuses is refused here too.
  sku: z
    .string()
    .max(6500)
    .transform((value) => value.split(','))
    .pipe(z.array(Sku).min(1).max(100, 'at most 100 SKUs'))
    .transform((skus) => [...new Set(skus)])
    .optional(),
  ...pageQuery,
});

export const SetStockRequest = z.strictObject({
  onHand: z.number().int().min(0).max(MAX_STOCK_ON_HAND),
}) satisfies z.ZodType<Schemas['SetStockRequest']>;

export const StockAdjustmentRequest = z.strictObject({
  delta: z
    .number()
    .int()
    .min(-MAX_STOCK_ON_HAND)
    .max(MAX_STOCK_ON_HAND)
    .refine((delta) => delta !== 0, 'must not be 0'),
  // Not blank (the spec's pattern `\S`), at most 200 characters as sent; stored trimmed.
  reason: nonBlankText(200),
}) satisfies z.ZodType<Schemas['StockAdjustmentRequest']>;

export const ReservationLine = z.strictObject({
  sku: Sku,
  quantity: z.number().int().min(1).max(MAX_LINE_QUANTITY),
}) satisfies z.ZodType<Schemas['ReservationLine']>;

export const ExtendReservationRequest = z.strictObject({
  ttlSeconds: z.number().int().min(60).max(86_400),
}) satisfies z.ZodType<Schemas['ExtendReservationRequest']>;

export const ReserveRequest = z.strictObject({
  lines: z
    .array(ReservationLine)
    .min(1)
    .max(MAX_ORDER_LINES)
    .superRefine(refineUniqueSkus),
  ttlSeconds: z.number().int().min(60).max(86_400).optional(),
}) satisfies z.ZodType<Schemas['ReserveRequest']>;
