/**
 * Request validation, pinned to the types generated from
 * openapi/payment-provider.yaml. Card numbers are only checked for shape here;
 * whether a number is a card at all (Luhn, expiry) is a card error (402), as at Stripe.
 */
import { z } from 'zod';
import { queryInteger } from '../../platform/http/zod-helpers';
import type { components } from './api.gen';

type Schemas = components['schemas'];

export const MAX_AMOUNT = 100_000_000;

export const ObjectId = z.string().regex(/^[A-Za-z0-9_]{1,64}$/, 'must be an id such as ch_…');

export const Metadata = z
  .record(z.string().min(1).max(40), z.string().max(500))
  .refine((metadata) => Object.keys(metadata).length <= 50, 'can have at most 50 keys') satisfies z.ZodType<Schemas['Metadata']>;

const Amount = z.number().int().min(1).max(MAX_AMOUNT);

export const IdempotencyKey = z.string().regex(/^[\x21-\x7e]{1,255}$/, 'must be 1-255 printable ASCII characters without spaces').optional();

export const CreatePaymentMethodRequest = z.strictObject({
  type: z.literal('card'),
  card: z.strictObject({
    number: z.string().regex(/^\d{12,19}$/, 'must be 12-19 digits'),
    exp_month: z.number().int().min(1).max(12),
    exp_year: z.number().int().min(1000).max(9999),
    cvc: z.string().regex(/^\d{3,4}$/, 'must be 3 or 4 digits'),
  }),
  metadata: Metadata.optional(),
}) satisfies z.ZodType<Schemas['CreatePaymentMethodRequest']>;

export const CreateChargeRequest = z.strictObject({
  amount: Amount,
  currency: z.string().regex(/^[a-z]{3}$/, 'must be a three-letter ISO currency code in lower case'),
  payment_method: ObjectId,
  description: z.string().min(1).max(1000).optional(),
  metadata: Metadata.optional(),
}) satisfies z.ZodType<Schemas['CreateChargeRequest']>;

export const CreateRefundRequest = z.strictObject({
  charge: ObjectId,
  amount: Amount.optional(),
  metadata: Metadata.optional(),
}) satisfies z.ZodType<Schemas['CreateRefundRequest']>;

export const ChargeParams = z.object({ charge: ObjectId });

export const SearchChargesQuery = z.strictObject({
  query: z.string().max(600),
  limit: queryInteger({ min: 1, max: 100, default: 10 }),
});

export const ListRefundsQuery = z.strictObject({
  charge: ObjectId,
  limit: queryInteger({ min: 1, max: 100, default: 10 }),
});

export const Outage = z.strictObject({ active: z.boolean() }) satisfies z.ZodType<Schemas['Outage']>;

/** Stripe's search language, in the one form this simulator understands: `metadata['key']:'value'`. */
export function parseMetadataQuery(query: string): { key: string; value: string } | undefined {
  const match = /^metadata\['([^'\\]{1,40})'\]:'([^'\\]{0,500})'$/.exec(query.trim());
  return match ? { key: match[1]!, value: match[2]! } : undefined;
}
