import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const CARD_BRANDS = ['visa', 'mastercard', 'amex', 'unknown'] as const;
export type CardBrand = (typeof CARD_BRANDS)[number];

export const CHARGE_STATUSES = ['succeeded', 'failed', 'partially_refunded', 'refunded'] as const;
export type ChargeStatus = (typeof CHARGE_STATUSES)[number];

/** `open`: no successful charge yet; `charged`: it has one (`chargeId`); `voided`: compensated before any charge. */
export const REFERENCE_STATUSES = ['open', 'charged', 'voided'] as const;
export type ReferenceStatus = (typeof REFERENCE_STATUSES)[number];

/** A tokenised card. The number and CVC are never kept: only the provider's token and what a receipt shows. */
export const PaymentMethod = defineEntity({
  name: 'PaymentMethod',
  tableName: 'payment_methods',
  properties: {
    id: p.string().primary().length(64),
    customerId: p.string().length(128).nullable(),
    /** The provider's id for the card (its `pm_…`). */
    providerToken: p.string().length(64),
    brand: p.enum([...CARD_BRANDS]),
    last4: p.string().length(4),
    expMonth: p.integer(),
    expYear: p.integer(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type PaymentMethod = InferEntity<typeof PaymentMethod>;

export const Charge = defineEntity({
  name: 'Charge',
  tableName: 'charges',
  properties: {
    id: p.string().primary().length(64),
    reference: p.string().length(128),
    customerId: p.string().length(128),
    // Minor units; the API caps an amount at 10^8, well inside an int.
    amount: p.integer(),
    currency: p.string().length(3),
    amountRefunded: p.integer().default(0),
    status: p.enum([...CHARGE_STATUSES]),
    failureCode: p.string().length(64).nullable(),
    paymentMethodId: p.string().length(64),
    // Copied from the payment method so a charge reads the same whatever happens to the method later.
    cardBrand: p.enum([...CARD_BRANDS]),
    cardLast4: p.string().length(4),
    description: p.string().length(500).nullable(),
    providerChargeId: p.string().length(64).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  indexes: [{ properties: ['reference'] }, { properties: ['customerId', 'createdAt'] }],
  // The last line of defence against refunding more than was charged, whatever the code does.
  checks: [{ name: 'charges_amount_refunded_within_amount', expression: 'amount_refunded >= 0 and amount_refunded <= amount' }],
});
export type Charge = InferEntity<typeof Charge>;

export const Refund = defineEntity({
  name: 'Refund',
  tableName: 'refunds',
  properties: {
    id: p.string().primary().length(64),
    chargeId: p.string().length(64),
    amount: p.integer(),
    currency: p.string().length(3),
    reason: p.string().length(500).nullable(),
    status: p.enum(['succeeded'] as const),
    providerRefundId: p.string().length(64),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  indexes: [{ properties: ['chargeId'] }],
});
export type Refund = InferEntity<typeof Refund>;

/**
 * One row per reference, locked by every charge and compensation for it: it is
 * what makes "one successful charge per reference" and "a voided reference
 * refuses charges" hold under concurrency.
 */
export const PaymentReference = defineEntity({
  name: 'PaymentReference',
  tableName: 'payment_references',
  properties: {
    reference: p.string().primary().length(128),
    status: p.enum([...REFERENCE_STATUSES]),
    chargeId: p.string().length(64).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  checks: [{ name: 'payment_references_charge_when_charged', expression: "(status = 'charged') = (charge_id is not null)" }],
});
export type PaymentReference = InferEntity<typeof PaymentReference>;

/**
 * A request to the provider whose answer is recorded here: committed as
 * `pending` before the provider is called (never inside a transaction), then
 * settled with the answer. A pending attempt's outcome is unknown (the
 * answer was lost to a crash or a timeout): it is asked for again with the
 * same `providerKey`, so the provider replays its first answer instead of
 * charging again; by a repeat of the request, by a compensation, or by the
 * reconciliation job. `failed`: the provider did nothing (an outage, a
 * processing error), and the next attempt gets the next number and key;
 * `refused`: the provider refused the request itself (e.g. it does not know the card).
 */
export const CHARGE_ATTEMPT_STATUSES = ['pending', 'succeeded', 'declined', 'failed', 'refused'] as const;
export type ChargeAttemptStatus = (typeof CHARGE_ATTEMPT_STATUSES)[number];

export const ChargeAttempt = defineEntity({
  name: 'ChargeAttempt',
  tableName: 'charge_attempts',
  properties: {
    /** The id the charge gets once it is recorded. */
    id: p.string().primary().length(64),
    reference: p.string().length(128),
    /** 1, 2, … per reference. */
    number: p.integer(),
    /** The provider's Idempotency-Key: derived from the reference and the number, so it is the same every time this attempt is asked for. */
    providerKey: p.string().length(255).unique(),
    customerId: p.string().length(128),
    paymentMethodId: p.string().length(64),
    amount: p.integer(),
    currency: p.string().length(3),
    description: p.string().length(500).nullable(),
    /** The caller and Idempotency-Key of the request that made it: a repeat of that request resumes it. */
    requestScope: p.string().length(200).nullable(),
    requestKey: p.string().length(255).nullable(),
    status: p.enum([...CHARGE_ATTEMPT_STATUSES]),
    /** Why the last try did not settle it, or why the provider did nothing. */
    lastError: p.string().length(500).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  uniques: [
    { properties: ['reference', 'number'] },
    // At most one charge in flight per reference, whatever the code does.
    {
      name: 'charge_attempts_one_pending_per_reference',
      expression: "create unique index charge_attempts_one_pending_per_reference on charge_attempts (reference) where status = 'pending'",
    },
  ],
  indexes: [{ name: 'charge_attempts_pending_index', expression: "create index charge_attempts_pending_index on charge_attempts (created_at) where status = 'pending'" }],
});
export type ChargeAttempt = InferEntity<typeof ChargeAttempt>;

/** As a ChargeAttempt's, and `refused`: the provider would not refund (our books and its disagree). */
export const REFUND_ATTEMPT_STATUSES = ['pending', 'succeeded', 'failed', 'refused'] as const;
export type RefundAttemptStatus = (typeof REFUND_ATTEMPT_STATUSES)[number];

/** A refund asked of the provider, with the same discipline as a ChargeAttempt. */
export const RefundAttempt = defineEntity({
  name: 'RefundAttempt',
  tableName: 'refund_attempts',
  properties: {
    /** The id the refund gets once it is recorded. */
    id: p.string().primary().length(64),
    chargeId: p.string().length(64),
    /** 1, 2, … per charge. */
    number: p.integer(),
    providerKey: p.string().length(255).unique(),
    amount: p.integer(),
    currency: p.string().length(3),
    reason: p.string().length(500).nullable(),
    requestScope: p.string().length(200).nullable(),
    requestKey: p.string().length(255).nullable(),
    status: p.enum([...REFUND_ATTEMPT_STATUSES]),
    lastError: p.string().length(500).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  uniques: [{ properties: ['chargeId', 'number'] }],
  indexes: [{ name: 'refund_attempts_pending_index', expression: "create index refund_attempts_pending_index on refund_attempts (created_at) where status = 'pending'" }],
});
export type RefundAttempt = InferEntity<typeof RefundAttempt>;

export const paymentsEntities = [PaymentMethod, Charge, Refund, PaymentReference, ChargeAttempt, RefundAttempt];
