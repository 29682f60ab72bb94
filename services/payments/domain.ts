/**
 * Payment rules. Every function that writes runs inside the caller's transaction.
 *
 * Concurrency: every charge and compensation for a reference first locks the
 * reference's `payment_references` row (inserting it when missing), so "one
 * successful charge per reference" and "a voided reference refuses charges"
 * hold however requests interleave. Refunds lock the charge row, so
 * concurrent partial refunds can never add up to more than was charged (the
 * table's CHECK constraint backs this up). Locks are always taken reference
 * first, then charge, so two requests cannot deadlock.
 */
import { randomBytes } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { conflict, HttpProblem, notFound } from '../../platform/http/problem';
import type { components } from './api.gen';
import { Charge, PaymentMethod, PaymentReference, Refund, type CardBrand } from './entities';
import { ProviderUnavailableError, type PaymentProvider, type ProviderMoney } from './provider';

type Schemas = components['schemas'];

export function newId(prefix: 'pm' | 'ch' | 're'): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

/** The card network, from the number's leading digits (IIN ranges). */
export function cardBrand(number: string): CardBrand {
  const two = Number(number.slice(0, 2));
  const four = Number(number.slice(0, 4));
  if (number.startsWith('4')) return 'visa';
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return 'mastercard';
  if (two === 34 || two === 37) return 'amex';
  return 'unknown';
}

export function toPaymentMethodView(method: PaymentMethod): Schemas['PaymentMethod'] {
  return {
    id: method.id,
    brand: method.brand,
    last4: method.last4,
    expMonth: method.expMonth,
    expYear: method.expYear,
    ...(method.customerId ? { customerId: method.customerId } : {}),
    createdAt: method.createdAt.toISOString(),
  };
}

export function toChargeView(charge: Charge): Schemas['Charge'] {
  return {
    id: charge.id,
    reference: charge.reference,
    customerId: charge.customerId,
    amount: { amount: charge.amount, currency: charge.currency },
    amountRefunded: charge.amountRefunded,
    status: charge.status,
    ...(charge.failureCode ? { failureCode: charge.failureCode } : {}),
    paymentMethod: { id: charge.paymentMethodId, brand: charge.cardBrand, last4: charge.cardLast4 },
    ...(charge.description ? { description: charge.description } : {}),
    createdAt: charge.createdAt.toISOString(),
  };
}

export function toRefundView(refund: Refund): Schemas['Refund'] {
  return {
    id: refund.id,
    chargeId: refund.chargeId,
    amount: { amount: refund.amount, currency: refund.currency },
    ...(refund.reason ? { reason: refund.reason } : {}),
    status: refund.status,
    createdAt: refund.createdAt.toISOString(),
  };
}

/** A provider outage becomes a 503: thrown, so the transaction (and the idempotency key) roll back and a retry can succeed. */
async function callProvider<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof ProviderUnavailableError)) throw error;
    throw new HttpProblem(503, 'provider-unavailable', 'The payment provider is unavailable', 'Nothing was done; try again later with the same request.', {
      code: error.code,
    });
  }
}

export async function createPaymentMethod(
  em: EntityManager,
  provider: PaymentProvider,
  input: Schemas['CreatePaymentMethodRequest'],
): Promise<PaymentMethod> {
  const { number, expMonth, expYear } = input.card;
  const card = await callProvider(() => provider.tokeniseCard(number));
  const method = em.create(PaymentMethod, {
    id: newId('pm'),
    customerId: input.customerId ?? null,
    providerToken: card.token,
    providerBehaviour: card.behaviour,
    brand: cardBrand(number),
    last4: number.slice(-4),
    expMonth,
    expYear,
  });
  await em.flush();
  return method;
}

export async function getPaymentMethod(em: EntityManager, id: string): Promise<PaymentMethod> {
  const method = await em.findOne(PaymentMethod, { id });
  if (!method) throw notFound('Payment method', id);
  return method;
}

export async function getCharge(em: EntityManager, id: string): Promise<Charge> {
  const charge = await em.findOne(Charge, { id });
  if (!charge) throw notFound('Charge', id);
  return charge;
}

export async function listCharges(
  em: EntityManager,
  query: { reference?: string; customerId?: string; limit: number; offset: number },
): Promise<Schemas['ChargePage']> {
  const where = {
    ...(query.reference ? { reference: query.reference } : {}),
    ...(query.customerId ? { customerId: query.customerId } : {}),
  };
  const [charges, total] = await em.findAndCount(Charge, where, {
    orderBy: { createdAt: 'desc', id: 'desc' },
    limit: query.limit,
    offset: query.offset,
  });
  return { items: charges.map(toChargeView), total, limit: query.limit, offset: query.offset };
}

function unknownPaymentMethod(id: string, why: string): HttpProblem {
  return new HttpProblem(422, 'unknown-payment-method', 'Unknown payment method', `Payment method '${id}' ${why}`, {
    errors: [{ field: 'body.paymentMethodId', message: why }],
  });
}

async function findUsablePaymentMethod(em: EntityManager, id: string, customerId: string): Promise<PaymentMethod> {
  const method = await em.findOne(PaymentMethod, { id });
  if (!method) throw unknownPaymentMethod(id, 'does not exist');
  // A method saved for a customer is theirs alone; say no more than "unknown" to anyone else.
  if (method.customerId && method.customerId !== customerId) throw unknownPaymentMethod(id, 'does not exist for this customer');
  return method;
}

/** Claims the reference's row and locks it: concurrent requests for one reference queue here. */
async function lockReference(em: EntityManager, reference: string): Promise<PaymentReference> {
  await em.execute(
    `insert into payment_references (reference, status, created_at, updated_at)
     values (?, 'open', now(), now()) on conflict (reference) do nothing`,
    [reference],
  );
  return em.findOneOrFail(PaymentReference, { reference }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
}

function assertChargeable(reference: PaymentReference): void {
  if (reference.status === 'voided') {
    throw conflict('reference-voided', `Reference ${reference.reference} was compensated before it was charged and cannot be charged now`);
  }
  if (reference.status === 'charged') {
    throw conflict('reference-already-charged', `Reference ${reference.reference} already has a successful charge`, {
      chargeId: reference.chargeId,
    });
  }
}

export interface ChargeInput {
  reference: string;
  customerId: string;
  amount: ProviderMoney;
  paymentMethodId: string;
  description?: string;
}

/** Charges the card. A decline is not an error here: the failed charge is kept and returned. */
export async function createCharge(em: EntityManager, provider: PaymentProvider, input: ChargeInput): Promise<Charge> {
  const method = await findUsablePaymentMethod(em, input.paymentMethodId, input.customerId);
  const reference = await lockReference(em, input.reference);
  assertChargeable(reference);

  const result = await callProvider(() => provider.charge({ token: method.providerToken, behaviour: method.providerBehaviour }, input.amount));
  const succeeded = result.outcome === 'succeeded';
  const charge = em.create(Charge, {
    id: newId('ch'),
    reference: input.reference,
    customerId: input.customerId,
    amount: input.amount.amount,
    currency: input.amount.currency,
    amountRefunded: 0,
    status: succeeded ? 'succeeded' : 'failed',
    failureCode: succeeded ? null : result.declineCode,
    paymentMethodId: method.id,
    cardBrand: method.brand,
    cardLast4: method.last4,
    description: input.description ?? null,
    providerChargeId: succeeded ? result.providerChargeId : null,
  });
  if (succeeded) {
    reference.status = 'charged';
    reference.chargeId = charge.id;
  }
  await em.flush();
  return charge;
}

/** The 402 a declined charge answers with; `declineCode` lets the caller tell "declined" from "insufficient funds". */
export function cardDeclined(charge: Charge): HttpProblem {
  const declineCode = charge.failureCode ?? 'generic_decline';
  return new HttpProblem(402, 'card-declined', 'The card was declined', `Charge ${charge.id} was declined: ${declineCode}`, {
    declineCode,
    chargeId: charge.id,
  });
}

async function refundCharge(em: EntityManager, provider: PaymentProvider, charge: Charge, amount: number, reason: string | undefined): Promise<Refund> {
  const providerChargeId = charge.providerChargeId;
  if (!providerChargeId) throw new Error(`charge ${charge.id} succeeded without a provider charge id`);
  const { providerRefundId } = await callProvider(() => provider.refund(providerChargeId, { amount, currency: charge.currency }));
  const refund = em.create(Refund, {
    id: newId('re'),
    chargeId: charge.id,
    amount,
    currency: charge.currency,
    reason: reason ?? null,
    status: 'succeeded',
    providerRefundId,
  });
  charge.amountRefunded += amount;
  charge.status = charge.amountRefunded === charge.amount ? 'refunded' : 'partially_refunded';
  await em.flush();
  return refund;
}

export async function createRefund(
  em: EntityManager,
  provider: PaymentProvider,
  input: Schemas['CreateRefundRequest'],
): Promise<Refund> {
  const charge = await em.findOne(Charge, { id: input.chargeId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!charge) {
    throw new HttpProblem(422, 'unknown-charge', 'Unknown charge', `No charge with id '${input.chargeId}'`, {
      errors: [{ field: 'body.chargeId', message: 'does not exist' }],
    });
  }
  if (charge.status === 'failed') {
    throw conflict('charge-not-refundable', `Charge ${charge.id} failed; nothing was taken, so there is nothing to refund`);
  }
  const refundable = charge.amount - charge.amountRefunded;
  if (refundable === 0) throw conflict('charge-already-refunded', `Charge ${charge.id} is already refunded in full`);
  const amount = input.amount ?? refundable;
  if (amount > refundable) {
    throw conflict('refund-exceeds-charge', `Only ${refundable} of charge ${charge.id} can still be refunded`, { refundable });
  }
  return refundCharge(em, provider, charge, amount, input.reason);
}

/**
 * The saga's compensation: undo whatever the reference was charged. Running
 * it again changes nothing, so it needs no idempotency key; see the spec for
 * what each outcome means.
 */
export async function refundReference(em: EntityManager, provider: PaymentProvider, referenceId: string): Promise<Schemas['ReferenceRefund']> {
  const reference = await lockReference(em, referenceId);
  if (reference.status !== 'charged') {
    // Nothing was charged (declines leave the reference open): void it, so a charge arriving late is refused.
    reference.status = 'voided';
    await em.flush();
    return { reference: referenceId, status: 'voided' };
  }
  if (!reference.chargeId) throw new Error(`reference ${referenceId} is charged without a charge id`);
  const charge = await em.findOneOrFail(Charge, { id: reference.chargeId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  const refundable = charge.amount - charge.amountRefunded;
  if (refundable === 0) return { reference: referenceId, status: 'nothing_to_refund' };
  const refund = await refundCharge(em, provider, charge, refundable, `Compensation for reference ${referenceId}`);
  return { reference: referenceId, status: 'refunded', refund: toRefundView(refund) };
}
