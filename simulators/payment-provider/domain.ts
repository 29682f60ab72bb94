/**
 * The provider's rules, Stripe's test mode in miniature. Every function that
 * writes runs inside the caller's transaction (the one that also stores the
 * answer under the Idempotency-Key).
 */
import { randomBytes } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { passesLuhn } from '../../platform/cards';
import type { components } from './api.gen';
import { Charge, PaymentMethod, Refund, type CardBehaviour } from './entities';
import { cardError, invalidRequest, resourceMissing, type ProviderError } from './errors';
import type { Answer } from './idempotency';
import type { z } from 'zod';
import type { CreateChargeRequest, CreatePaymentMethodRequest, CreateRefundRequest } from './schemas';

type Schemas = components['schemas'];

/** Stripe's test card numbers; any other valid number succeeds. */
export const TEST_CARDS: Readonly<Record<string, CardBehaviour>> = {
  '4000000000000002': 'generic_decline',
  '4000000000009995': 'insufficient_funds',
  '4000000000000119': 'processing_error',
};

export function newId(prefix: 'pm' | 'ch' | 're'): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

const unixSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** The card network, from the number's leading digits (IIN ranges). */
export function cardBrand(number: string): Schemas['CardBrand'] {
  const two = Number(number.slice(0, 2));
  const four = Number(number.slice(0, 4));
  if (number.startsWith('4')) return 'visa';
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return 'mastercard';
  if (two === 34 || two === 37) return 'amex';
  if (four === 6011 || two === 65) return 'discover';
  return 'unknown';
}

export function toPaymentMethodView(method: PaymentMethod): Schemas['PaymentMethod'] {
  return {
    id: method.id,
    object: 'payment_method',
    type: 'card',
    card: { brand: method.brand, last4: method.last4, exp_month: method.expMonth, exp_year: method.expYear },
    metadata: method.metadata,
    created: unixSeconds(method.createdAt),
    livemode: false,
  };
}

const FAILURE_MESSAGES = {
  generic_decline: 'Your card was declined.',
  insufficient_funds: 'Your card has insufficient funds.',
  processing_error: 'An error occurred while processing your card. Try again in a little bit.',
} as const;

export function toChargeView(charge: Charge): Schemas['Charge'] {
  const reason = charge.outcomeReason ?? null;
  return {
    id: charge.id,
    object: 'charge',
    amount: charge.amount,
    amount_refunded: charge.amountRefunded,
    currency: charge.currency,
    captured: charge.status === 'succeeded',
    paid: charge.status === 'succeeded',
    refunded: charge.status === 'succeeded' && charge.amountRefunded === charge.amount,
    status: charge.status,
    payment_method: charge.paymentMethodId,
    description: charge.description ?? null,
    metadata: charge.metadata,
    failure_code: charge.failureCode ?? null,
    failure_message: reason ? FAILURE_MESSAGES[reason] : null,
    outcome: { type: reason === null ? 'authorized' : reason === 'processing_error' ? 'invalid' : 'issuer_declined', reason },
    created: unixSeconds(charge.createdAt),
    livemode: false,
  };
}

export function toRefundView(refund: Refund): Schemas['Refund'] {
  return {
    id: refund.id,
    object: 'refund',
    amount: refund.amount,
    charge: refund.chargeId,
    currency: refund.currency,
    status: 'succeeded',
    metadata: refund.metadata,
    created: unixSeconds(refund.createdAt),
  };
}

/** Tokenises a card; an impossible card is a 402 card error, as at Stripe. */
export async function createPaymentMethod(em: EntityManager, input: z.output<typeof CreatePaymentMethodRequest>): Promise<Answer> {
  const { number, exp_month: expMonth, exp_year: expYear } = input.card;
  if (!passesLuhn(number)) throw cardError('Your card number is incorrect.', { code: 'incorrect_number', param: 'card[number]' });
  const now = new Date();
  if (expYear < now.getUTCFullYear()) throw cardError("Your card's expiration year is invalid.", { code: 'invalid_expiry_year', param: 'card[exp_year]' });
  if (expYear === now.getUTCFullYear() && expMonth < now.getUTCMonth() + 1) {
    throw cardError("Your card's expiration month is invalid.", { code: 'invalid_expiry_month', param: 'card[exp_month]' });
  }
  const method = em.create(PaymentMethod, {
    id: newId('pm'),
    brand: cardBrand(number),
    last4: number.slice(-4),
    expMonth,
    expYear,
    behaviour: TEST_CARDS[number] ?? 'succeed',
    metadata: input.metadata ?? {},
  });
  await em.flush();
  return { status: 200, body: toPaymentMethodView(method) };
}

/** Charges the card. A decline or processing error keeps the failed charge and answers 402 naming it. */
export async function createCharge(em: EntityManager, input: z.output<typeof CreateChargeRequest>): Promise<Answer> {
  const method = await em.findOne(PaymentMethod, { id: input.payment_method });
  if (!method) throw resourceMissing('PaymentMethod', input.payment_method, 'payment_method');
  const behaviour = method.behaviour;
  const charge = em.create(Charge, {
    id: newId('ch'),
    amount: input.amount,
    currency: input.currency,
    amountRefunded: 0,
    status: behaviour === 'succeed' ? 'succeeded' : 'failed',
    paymentMethodId: method.id,
    description: input.description ?? null,
    metadata: input.metadata ?? {},
    failureCode: behaviour === 'succeed' ? null : behaviour === 'processing_error' ? 'processing_error' : 'card_declined',
    outcomeReason: behaviour === 'succeed' ? null : behaviour,
  });
  await em.flush();
  if (behaviour === 'succeed') return { status: 200, body: toChargeView(charge) };
  const declined = cardError(FAILURE_MESSAGES[behaviour], {
    code: behaviour === 'processing_error' ? 'processing_error' : 'card_declined',
    ...(behaviour === 'processing_error' ? {} : { decline_code: behaviour }),
    charge: charge.id,
  });
  return { status: declined.status, body: declined.toResponse() };
}

export async function retrieveCharge(em: EntityManager, id: string): Promise<Charge> {
  const charge = await em.findOne(Charge, { id });
  if (!charge) throw resourceMissing('charge', id);
  return charge;
}

/** Charges whose metadata has `key` = `value`, newest first. */
export async function searchCharges(em: EntityManager, metadata: { key: string; value: string }, limit: number): Promise<{ charges: Charge[]; hasMore: boolean }> {
  const rows = await em.execute<{ id: string }[]>('select id from charges where metadata ->> ? = ? order by created_at desc, id desc limit ?', [
    metadata.key,
    metadata.value,
    limit + 1,
  ]);
  const ids = rows.slice(0, limit).map((row) => row.id);
  const charges = await em.find(Charge, { id: { $in: ids } }, { orderBy: { createdAt: 'desc', id: 'desc' } });
  return { charges, hasMore: rows.length > limit };
}

/** Refunds a charge; the charge's row lock makes concurrent partial refunds add up to no more than was charged. */
export async function createRefund(em: EntityManager, input: z.output<typeof CreateRefundRequest>): Promise<Answer> {
  const charge = await em.findOne(Charge, { id: input.charge }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!charge) throw resourceMissing('charge', input.charge, 'charge');
  // Refusals of the work itself are answers, stored under the key like any other.
  const refused = (error: ProviderError): Answer => ({ status: error.status, body: error.toResponse() });
  if (charge.status !== 'succeeded') return refused(invalidRequest(`Charge ${charge.id} failed; there is nothing to refund.`, { code: 'charge_not_refundable', param: 'charge' }));
  const remaining = charge.amount - charge.amountRefunded;
  if (remaining === 0) return refused(invalidRequest(`Charge ${charge.id} has already been refunded.`, { code: 'charge_already_refunded', param: 'charge' }));
  const amount = input.amount ?? remaining;
  if (amount > remaining) {
    return refused(invalidRequest(`Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`, { code: 'amount_too_large', param: 'amount' }));
  }
  const refund = em.create(Refund, { id: newId('re'), chargeId: charge.id, amount, currency: charge.currency, metadata: input.metadata ?? {} });
  charge.amountRefunded += amount;
  await em.flush();
  return { status: 200, body: toRefundView(refund) };
}

export async function listRefunds(em: EntityManager, chargeId: string, limit: number): Promise<{ refunds: Refund[]; hasMore: boolean }> {
  const refunds = await em.find(Refund, { chargeId }, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: limit + 1 });
  return { refunds: refunds.slice(0, limit), hasMore: refunds.length > limit };
}
