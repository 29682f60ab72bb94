import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const CARD_BRANDS = ['visa', 'mastercard', 'amex', 'unknown'] as const;
export type CardBrand = (typeof CARD_BRANDS)[number];

/** How the fake provider treats a card, decided when it is tokenised (a real provider keeps this itself). */
export const CARD_BEHAVIOURS = ['succeed', 'generic_decline', 'insufficient_funds', 'processing_error'] as const;
export type CardBehaviour = (typeof CARD_BEHAVIOURS)[number];

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
    providerToken: p.string().length(64),
    providerBehaviour: p.enum([...CARD_BEHAVIOURS]),
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

export const paymentsEntities = [PaymentMethod, Charge, Refund, PaymentReference];
