/**
 * Request validation for the payments API. Each schema is pinned to the type
 * generated from openapi/payments.yaml, so the two cannot drift apart.
 *
 * Messages never echo the value: a card number must not reach a response or a log.
 */
import { z } from 'zod';
import { passesLuhn } from '../../platform/cards';
import { queryInteger, specPattern } from '../../platform/http/zod-helpers';
import { MAX_ORDER_TOTAL } from '../../platform/limits';
import type { components } from './api.gen';

type Schemas = components['schemas'];

// Read from the spec's pattern, so spec and validation accept exactly the same codes (the list is kept once).
export const Currency = specPattern('payments.yaml', 'Currency', 'must be an ISO 4217 currency code in upper case, e.g. USD');

/** A charge pays for one order. */
export const MAX_AMOUNT = MAX_ORDER_TOTAL;

export const ObjectId = z.string().regex(/^[A-Za-z0-9_]{1,64}$/, 'must be an id such as ch_…, 1-64 letters, digits or "_"');

export const Reference = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be 1-128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit');

export const CustomerId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/, 'must be 1-128 letters, digits, ".", "_", ":", "@" or "-", starting with a letter or digit');

export const PaymentMethodIdParams = z.object({ paymentMethodId: ObjectId });
export const ChargeIdParams = z.object({ chargeId: ObjectId });
export const ReferenceParams = z.object({ reference: Reference });

/** A card is good through the last day of its expiry month. */
export function hasExpired(expMonth: number, expYear: number, now: Date = new Date()): boolean {
  const year = now.getUTCFullYear();
  return expYear < year || (expYear === year && expMonth < now.getUTCMonth() + 1);
}

export const Card = z
  .strictObject({
    number: z
      .string()
      .regex(/^\d{12,19}$/, { message: 'must be 12-19 digits, without spaces or dashes', abort: true })
      .refine(passesLuhn, 'is not a valid card number (the Luhn check fails)'),
    expMonth: z.number().int().min(1).max(12),
    expYear: z.number().int().min(1000, 'must be a 4-digit year').max(9999, 'must be a 4-digit year'),
    cvc: z.string().regex(/^\d{3,4}$/, 'must be 3 or 4 digits'),
  })
  .superRefine((card, ctx) => {
    if (!hasExpired(card.expMonth, card.expYear)) return;
    // Name the field that makes it expired: a past year, or a past month of this year.
    const field = card.expYear < new Date().getUTCFullYear() ? 'expYear' : 'expMonth';
    ctx.addIssue({ code: 'custom', path: [field], message: 'the card has expired' });
  }) satisfies z.ZodType<Schemas['Card']>;

export const CreatePaymentMethodRequest = z.strictObject({
  card: Card,
  customerId: CustomerId.optional(),
}) satisfies z.ZodType<Schemas['CreatePaymentMethodRequest']>;

export const Money = z.strictObject({
  amount: z.number().int().min(1).max(MAX_AMOUNT),
  currency: Currency,
}) satisfies z.ZodType<Schemas['Money']>;

export const CreateChargeRequest = z.strictObject({
  reference: Reference,
  customerId: CustomerId,
  amount: Money,
  paymentMethodId: ObjectId,
  description: z.string().min(1).max(500).optional(),
}) satisfies z.ZodType<Schemas['CreateChargeRequest']>;

export const ListChargesQuery = z.strictObject({
  reference: Reference.optional(),
  customerId: CustomerId.optional(),
  limit: queryInteger({ min: 1, max: 100, default: 50 }),
  offset: queryInteger({ min: 0, max: 1_000_000, default: 0 }),
});

export const CreateRefundRequest = z.strictObject({
  chargeId: ObjectId,
  amount: z.number().int().min(1).max(MAX_AMOUNT).optional(),
  reason: z.string().min(1).max(500).optional(),
}) satisfies z.ZodType<Schemas['CreateRefundRequest']>;

/** The compensation takes no body; an empty object is tolerated, anything in it is an error. */
export const RefundReferenceBody = z.strictObject({}).optional();
