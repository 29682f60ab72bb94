import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { components } from './api.gen';

type Schemas = components['schemas'];

/** What charging a card does, decided by its number when it is tokenised (Stripe's test cards). */
export const CARD_BEHAVIOURS = ['succeed', 'generic_decline', 'insufficient_funds', 'processing_error'] as const;
export type CardBehaviour = (typeof CARD_BEHAVIOURS)[number];

export const CARD_BRANDS = ['visa', 'mastercard', 'amex', 'discover', 'unknown'] as const satisfies readonly Schemas['CardBrand'][];

/** A tokenised card. Even here only what the simulation needs is kept: never the number or the CVC. */
export const PaymentMethod = defineEntity({
  name: 'PaymentMethod',
  tableName: 'payment_methods',
  properties: {
    id: p.string().primary().length(64),
    brand: p.enum([...CARD_BRANDS]),
    last4: p.string().length(4),
    expMonth: p.integer(),
    expYear: p.integer(),
    behaviour: p.enum([...CARD_BEHAVIOURS]),
    metadata: p.json<Record<string, string>>(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type PaymentMethod = InferEntity<typeof PaymentMethod>;

export const Charge = defineEntity({
  name: 'Charge',
  tableName: 'charges',
  properties: {
    id: p.string().primary().length(64),
    amount: p.integer(),
    currency: p.string().length(3),
    amountRefunded: p.integer().default(0),
    status: p.enum(['succeeded', 'failed'] as const),
    paymentMethodId: p.string().length(64),
    description: p.string().length(1000).nullable(),
    metadata: p.json<Record<string, string>>(),
    failureCode: p.enum(['card_declined', 'processing_error'] as const).nullable(),
    /** The decline code, or `processing_error`. */
    outcomeReason: p.enum(['generic_decline', 'insufficient_funds', 'processing_error'] as const).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  indexes: [{ properties: ['createdAt'] }],
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
    metadata: p.json<Record<string, string>>(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  indexes: [{ properties: ['chargeId', 'createdAt'] }],
});
export type Refund = InferEntity<typeof Refund>;

export const paymentProviderEntities = [PaymentMethod, Charge, Refund];
