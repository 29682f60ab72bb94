/**
 * Payment rules.
 *
 * The provider is an outside party, so it is never called inside a database
 * transaction: each charge or refund is planned (which commits an attempt, see
 * attempts.ts), asked of the provider, then recorded. A repeated request finds
 * what the first one left and finishes it.
 *
 * The checkout's charge, the common case (a new reference, its first attempt),
 * takes two statements and no transaction: one reads the payment method and
 * inserts the reference with its pending attempt (openCharge), one records the
 * provider's answer, the charge and the reference's status (attempts.ts).
 *
 * Concurrency: every other charge and every compensation for a reference
 * first locks the reference's `payment_references` row (a compensation
 * inserts it when missing); a reference inserted by openCharge comes with its
 * pending attempt in the same statement, and a successful charge marks the
 * reference `charged` in the statement that records it. So "one successful
 * charge per reference", "one charge attempt in flight per reference" (also a
 * unique index) and "a voided reference refuses charges" hold however requests
 * interleave. Refunds lock the charge row, so concurrent partial refunds,
 * counting those still in flight, can never add up to more than was charged
 * (the table's CHECK constraint backs this up). Transactions take their locks
 * reference first, then charge; the statements recording an answer lock the
 * attempt, then the reference or charge, and no transaction waits on an
 * attempt's row while holding those, so two requests cannot deadlock.
 */
import { randomBytes } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { conflict, HttpProblem, notFound } from '../../platform/http/problem';
import type { components } from './api.gen';
import {
  chargeProviderKey,
  isRequestedBy,
  refundProviderKey,
  settleChargeAttempt,
  settleRefundAttempt,
  type RequestedBy,
  type SettlingChargeAttempt,
} from './attempts';
import { Charge, ChargeAttempt, PaymentMethod, PaymentReference, Refund, RefundAttempt } from './entities';
import { ProviderUnavailableError, type PaymentProvider } from './provider';

type Schemas = components['schemas'];

export function newId(prefix: 'pm' | 'ch' | 're'): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
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

/**
 * The provider failed transiently, or its answer is not known yet: 503, and
 * no response is stored under the caller's key, so a retry resumes.
 */
function providerUnavailable(why: string | null | undefined, advice = 'Retry with the same request: a payment whose outcome is not known yet is asked for again under the same provider key, never made twice.'): HttpProblem {
  const reason = why ? `${why.replace(/[.\s]+$/, '')}. ` : '';
  return new HttpProblem(503, 'provider-unavailable', 'The payment provider is unavailable', `${reason}${advice}`);
}

export async function createPaymentMethod(
  em: EntityManager,
  provider: PaymentProvider,
  input: Schemas['CreatePaymentMethodRequest'],
): Promise<PaymentMethod> {
  const { expMonth, expYear } = input.card;
  let card: Awaited<ReturnType<PaymentProvider['tokenise']>>;
  try {
    card = await provider.tokenise(input.card);
  } catch (error) {
    if (error instanceof ProviderUnavailableError) throw providerUnavailable(error.message, 'Nothing was kept; try again later.');
    throw error;
  }
  // A crash before this insert leaves a token at the provider that nobody uses, which is harmless.
  const method = em.create(PaymentMethod, {
    id: newId('pm'),
    customerId: input.customerId ?? null,
    providerToken: card.token,
    brand: card.brand,
    last4: card.last4,
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
  amount: Schemas['Money'];
  paymentMethodId: string;
  description?: string;
  requestedBy: RequestedBy;
}

/** The request's payment method, as far as a charge needs it. */
interface Card {
  id: string;
  providerToken: string;
}

type CardRow = { card_id: string; card_customer_id: string | null; card_provider_token: string };

/** A new pending attempt as both of its inserts write it, with newAttemptParams. */
const NEW_ATTEMPT_COLUMNS = 'id, reference, number, provider_key, customer_id, payment_method_id, amount, currency, description, request_scope, request_key, status, created_at, updated_at';
const NEW_ATTEMPT_VALUES = "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', now(), now()";

/** A new attempt as far as settling it needs, known before it is inserted. */
function newAttempt(input: ChargeInput, number: number): SettlingChargeAttempt & { number: number } {
  return {
    id: newId('ch'),
    reference: input.reference,
    number,
    providerKey: chargeProviderKey(input.reference, number),
    paymentMethodId: input.paymentMethodId,
    amount: input.amount.amount,
    currency: input.amount.currency,
    description: input.description ?? null,
  };
}

function newAttemptParams(input: ChargeInput, attempt: ReturnType<typeof newAttempt>): unknown[] {
  return [
    attempt.id,
    attempt.reference,
    attempt.number,
    attempt.providerKey,
    input.customerId,
    attempt.paymentMethodId,
    attempt.amount,
    attempt.currency,
    attempt.description,
    input.requestedBy.scope,
    input.requestedBy.key,
  ];
}

/**
 * The common case in one statement, without a transaction: reads the payment
 * method and, when it is the customer's and the reference is new, inserts the
 * reference with its first attempt (committed pending before the provider is
 * asked). `attempt` is undefined when the reference existed already: then the
 * request goes the careful way, under the reference's lock (planCharge). The
 * attempt comes back as the values inserted, not as an entity: hydrating
 * entities was a measurable part of a charge's CPU.
 */
async function openCharge(em: EntityManager, input: ChargeInput): Promise<{ card: Card; attempt?: SettlingChargeAttempt }> {
  const attempt = newAttempt(input, 1);
  const [row] = await em.execute<(CardRow & { attempt_id: string | null })[]>(
    `with card as (
       select id, customer_id, provider_token from payment_methods where id = ?
     ), opened as (
       insert into payment_references (reference, status, created_at, updated_at)
       select ?, 'open', now(), now() from card where card.customer_id is null or card.customer_id = ?
       on conflict (reference) do nothing
       returning reference
     ), attempt as (
       insert into charge_attempts (${NEW_ATTEMPT_COLUMNS}) select ${NEW_ATTEMPT_VALUES} from opened
       returning id
     )
     select card.id as card_id, card.customer_id as card_customer_id, card.provider_token as card_provider_token, attempt.id as attempt_id
     from card left join attempt on true`,
    [input.paymentMethodId, input.reference, input.customerId, ...newAttemptParams(input, attempt)],
  );
  if (!row) throw unknownPaymentMethod(input.paymentMethodId, 'does not exist');
  const { card_id: id, card_customer_id: owner, card_provider_token: providerToken, attempt_id: attemptId } = row;
  // A method saved for a customer is theirs alone; say no more than "unknown" to anyone else.
  if (owner && owner !== input.customerId) throw unknownPaymentMethod(input.paymentMethodId, 'does not exist for this customer');
  return { card: { id, providerToken }, ...(attemptId == null ? {} : { attempt }) };
}

/** A request's next step, decided under the reference's lock. */
type ChargeStep = { done: Charge } | { settle: SettlingChargeAttempt; ours: boolean };

/** For a reference that exists: what its attempts so far leave this request to do. */
async function planCharge(tx: EntityManager, input: ChargeInput): Promise<ChargeStep> {
  const reference = await tx.findOneOrFail(PaymentReference, { reference: input.reference }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  const attempts = await tx.find(ChargeAttempt, { reference: input.reference }, { orderBy: { number: 'desc' } });
  const pending = attempts.find((attempt) => attempt.status === 'pending');
  if (pending) return { settle: pending, ours: isRequestedBy(pending, input.requestedBy) };
  // This very request got its answer before (and lost it, or its key's record): the same answer again.
  const answered = attempts.find((attempt) => isRequestedBy(attempt, input.requestedBy) && (attempt.status === 'succeeded' || attempt.status === 'declined'));
  if (answered) return { done: await tx.findOneOrFail(Charge, { id: answered.id }) };
  assertChargeable(reference);
  const attempt = newAttempt(input, (attempts[0]?.number ?? 0) + 1);
  await tx.execute(`insert into charge_attempts (${NEW_ATTEMPT_COLUMNS}) values (${NEW_ATTEMPT_VALUES})`, newAttemptParams(input, attempt));
  return { settle: attempt, ours: true };
}

/** Each round settles one attempt; more than a few means requests keep racing in, so the caller is told to retry. */
const MAX_ROUNDS = 10;

/**
 * Charges the card: a decline is not an error here, the failed charge is kept
 * and returned. A charge of this reference in flight (another request's, or
 * one a crash left) is settled first, so its outcome decides what this one may do.
 */
export async function createCharge(orm: MikroORM, provider: PaymentProvider, input: ChargeInput): Promise<Charge> {
  // Its statements run outside any transaction and keep no entities: one fork serves the request's.
  const em = orm.em.fork() as EntityManager;
  const opened = await openCharge(em, input);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const step: ChargeStep =
      round === 0 && opened.attempt ? { settle: opened.attempt, ours: true } : await orm.em.fork().transactional((tx) => planCharge(tx as EntityManager, input));
    if ('done' in step) return step.done;
    // The attempt's own payment method: another request's attempt may be for another card.
    const card = step.settle.paymentMethodId === opened.card.id ? opened.card : undefined;
    const settled = await settleChargeAttempt(orm, provider, step.settle, card ? { card, em } : { em });
    if (settled.status === 'pending') throw providerUnavailable(settled.lastError);
    if (!step.ours) continue;
    if (settled.status === 'failed') throw providerUnavailable(settled.lastError);
    // The card was tokenised with a provider that no longer knows it (e.g. its data was reset).
    if (settled.status === 'refused') throw unknownPaymentMethod(input.paymentMethodId, `is not known to the payment provider (${settled.lastError})`);
    if (!settled.charge) throw new Error(`charge attempt ${step.settle.id} ${settled.status} without a charge`);
    return settled.charge;
  }
  throw providerUnavailable('Other charges of this reference kept arriving');
}

/** The 402 a declined charge answers with; `declineCode` lets the caller tell "declined" from "insufficient funds". */
export function cardDeclined(charge: Charge): HttpProblem {
  const declineCode = charge.failureCode ?? 'generic_decline';
  return new HttpProblem(402, 'card-declined', 'The card was declined', `Charge ${charge.id} was declined: ${declineCode}`, {
    declineCode,
    chargeId: charge.id,
  });
}

/** A refund's next step, decided under the charge's lock; `charge` is the charge it refunds. */
type RefundStep<Done> = { done: Done } | { settle: RefundAttempt; ours: boolean; charge: Charge };

function newRefundAttempt(tx: EntityManager, charge: Charge, attempts: RefundAttempt[], amount: number, reason: string | undefined, requestedBy?: RequestedBy) {
  const number = (attempts[0]?.number ?? 0) + 1;
  const attempt = tx.create(RefundAttempt, {
    id: newId('re'),
    chargeId: charge.id,
    number,
    providerKey: refundProviderKey(charge.id, number),
    amount,
    currency: charge.currency,
    reason: reason ?? null,
    requestScope: requestedBy?.scope ?? null,
    requestKey: requestedBy?.key ?? null,
    status: 'pending',
  });
  return attempt;
}

async function planRefund(tx: EntityManager, input: Schemas['CreateRefundRequest'], requestedBy: RequestedBy): Promise<RefundStep<Refund>> {
  const charge = await tx.findOne(Charge, { id: input.chargeId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!charge) {
    throw new HttpProblem(422, 'unknown-charge', 'Unknown charge', `No charge with id '${input.chargeId}'`, {
      errors: [{ field: 'body.chargeId', message: 'does not exist' }],
    });
  }
  const attempts = await tx.find(RefundAttempt, { chargeId: charge.id }, { orderBy: { number: 'desc' } });
  const ours = attempts.find((attempt) => isRequestedBy(attempt, requestedBy) && (attempt.status === 'pending' || attempt.status === 'succeeded'));
  if (ours?.status === 'succeeded') return { done: await tx.findOneOrFail(Refund, { id: ours.id }) };
  if (ours) return { settle: ours, ours: true, charge };
  if (charge.status === 'failed') {
    throw conflict('charge-not-refundable', `Charge ${charge.id} failed; nothing was taken, so there is nothing to refund`);
  }
  const inFlight = attempts.filter((attempt) => attempt.status === 'pending');
  const refundable = charge.amount - charge.amountRefunded - inFlight.reduce((sum, attempt) => sum + attempt.amount, 0);
  const amount = input.amount ?? refundable;
  if (amount > refundable || amount === 0) {
    // Refunds in flight may yet fail: know their outcome before refusing.
    const other = inFlight[0];
    if (other) return { settle: other, ours: false, charge };
    if (refundable === 0) throw conflict('charge-already-refunded', `Charge ${charge.id} is already refunded in full`);
    throw conflict('refund-exceeds-charge', `Only ${refundable} of charge ${charge.id} can still be refunded`, { refundable });
  }
  const attempt = newRefundAttempt(tx, charge, attempts, amount, input.reason, requestedBy);
  await tx.flush();
  return { settle: attempt, ours: true, charge };
}

/** Settles one refund step; the refund when it was this request's and went through. */
async function settleRefundStep(orm: MikroORM, provider: PaymentProvider, step: { settle: RefundAttempt; ours: boolean; charge: Charge }): Promise<Refund | undefined> {
  const settled = await settleRefundAttempt(orm, provider, step.settle, { charge: step.charge });
  if (settled.status === 'pending') throw providerUnavailable(settled.lastError);
  if (!step.ours) return undefined;
  if (settled.status === 'failed') throw providerUnavailable(settled.lastError);
  if (settled.status === 'refused') {
    // Our books and the provider's disagree about what is left to refund: a person must look, retrying will not help.
    throw new Error(`the provider refused refund ${step.settle.id} of charge ${step.settle.chargeId}: ${settled.lastError}`);
  }
  if (!settled.refund) throw new Error(`refund attempt ${step.settle.id} succeeded without a refund`);
  return settled.refund;
}

export async function createRefund(
  orm: MikroORM,
  provider: PaymentProvider,
  input: Schemas['CreateRefundRequest'],
  requestedBy: RequestedBy,
): Promise<Refund> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const step = await orm.em.fork().transactional((tx) => planRefund(tx as EntityManager, input, requestedBy));
    if ('done' in step) return step.done;
    const refund = await settleRefundStep(orm, provider, step);
    if (refund) return refund;
  }
  throw providerUnavailable('Other refunds of this charge kept arriving');
}

type CompensationStep = RefundStep<Schemas['ReferenceRefund']> | { settleCharge: ChargeAttempt };

async function planCompensation(tx: EntityManager, referenceId: string, requestedBy: RequestedBy | undefined): Promise<CompensationStep> {
  const reference = await lockReference(tx, referenceId);
  // A charge in flight may have gone through: its outcome decides between voiding and refunding.
  const chargeInFlight = await tx.findOne(ChargeAttempt, { reference: referenceId, status: 'pending' });
  if (chargeInFlight) return { settleCharge: chargeInFlight };
  if (reference.status !== 'charged') {
    // Nothing was charged (declines leave the reference open): void it, so a charge arriving late is refused.
    reference.status = 'voided';
    await tx.flush();
    return { done: { reference: referenceId, status: 'voided' } };
  }
  if (!reference.chargeId) throw new Error(`reference ${referenceId} is charged without a charge id`);
  const charge = await tx.findOneOrFail(Charge, { id: reference.chargeId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  const attempts = await tx.find(RefundAttempt, { chargeId: charge.id }, { orderBy: { number: 'desc' } });
  const ours = attempts.find((attempt) => isRequestedBy(attempt, requestedBy) && (attempt.status === 'pending' || attempt.status === 'succeeded'));
  if (ours?.status === 'succeeded') return { done: { reference: referenceId, status: 'refunded', refund: toRefundView(await tx.findOneOrFail(Refund, { id: ours.id })) } };
  const inFlight = ours ?? attempts.find((attempt) => attempt.status === 'pending');
  if (inFlight) return { settle: inFlight, ours: inFlight === ours, charge };
  const refundable = charge.amount - charge.amountRefunded;
  if (refundable === 0) return { done: { reference: referenceId, status: 'nothing_to_refund' } };
  const attempt = newRefundAttempt(tx, charge, attempts, refundable, `Compensation for reference ${referenceId}`, requestedBy);
  await tx.flush();
  return { settle: attempt, ours: true, charge };
}

/**
 * The saga's compensation: undo whatever the reference was charged. Running
 * it again changes nothing, so it needs no idempotency key; see the spec for
 * what each outcome means. A charge or refund left in flight is settled
 * first, so the answer is always about what really happened.
 */
export async function refundReference(
  orm: MikroORM,
  provider: PaymentProvider,
  referenceId: string,
  requestedBy?: RequestedBy,
): Promise<Schemas['ReferenceRefund']> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const step = await orm.em.fork().transactional((tx) => planCompensation(tx as EntityManager, referenceId, requestedBy));
    if ('done' in step) return step.done;
    if ('settleCharge' in step) {
      const settled = await settleChargeAttempt(orm, provider, step.settleCharge);
      if (settled.status === 'pending') throw providerUnavailable(settled.lastError);
      continue;
    }
    const refund = await settleRefundStep(orm, provider, step);
    if (refund) return { reference: referenceId, status: 'refunded', refund: toRefundView(refund) };
  }
  throw providerUnavailable('Other payments of this reference kept arriving');
}
