/**
 * Requests to the payment provider, made safe against crashes and retries
 * the way Stripe's model wants it:
 *
 * 1. the attempt is committed as `pending` first, with the provider's
 *    Idempotency-Key derived from what it is for (the reference or the
 *    charge, and the attempt's number);
 * 2. the provider is called, outside any transaction;
 * 3. its answer is recorded in one transaction.
 *
 * If the process dies between 2 and 3, or the answer is lost, the attempt
 * stays pending. Whoever finds it (a repeat of the request, a compensation,
 * or the reconciliation job) settles it by asking again with the same key, and
 * the provider answers what it answered the first time: a charge is never made
 * twice. The job first looks the attempt up by its metadata, so it still finds
 * the outcome once the provider has forgotten the key (Stripe keeps keys 24 h).
 *
 * Recording is idempotent: an attempt that is no longer pending is left as it is.
 */
import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Charge, ChargeAttempt, PaymentMethod, Refund, RefundAttempt } from './entities';
import { answerFromCharge, type ChargeAnswer, type PaymentProvider, type RefundAnswer } from './provider';

/** Metadata the provider keeps with each charge and refund, to find them by. */
export const METADATA = { reference: 'shop_reference', chargeId: 'shop_charge_id', refundId: 'shop_refund_id' } as const;

export const chargeProviderKey = (reference: string, number: number) => `payments:charge:${reference}:${number}`;
export const refundProviderKey = (chargeId: string, number: number) => `payments:refund:${chargeId}:${number}`;

const LAST_ERROR_LENGTH = 500;
const clip = (text: string) => text.slice(0, LAST_ERROR_LENGTH);

/** Who asked for an attempt: a repeat of the same request (same caller, same Idempotency-Key) resumes it. */
export interface RequestedBy {
  scope: string;
  key: string;
}

export function isRequestedBy(attempt: { requestScope?: string | null; requestKey?: string | null }, by: RequestedBy | undefined): boolean {
  return !!by && attempt.requestScope === by.scope && attempt.requestKey === by.key;
}

/** A charge attempt as it stands after settling, and the charge it recorded (when the provider charged or declined). */
export interface SettledCharge {
  attempt: ChargeAttempt;
  charge?: Charge;
}

/** What a charge copies from its payment method: the method never changes, so a caller that has it already passes it. */
type CardOnFile = Pick<PaymentMethod, 'id' | 'providerToken' | 'brand' | 'last4'>;

async function recordChargeAnswer(em: EntityManager, pending: ChargeAttempt, card: CardOnFile | undefined, answer: ChargeAnswer): Promise<SettledCharge> {
  return em.transactional(async (tx) => {
    // Reference first, as everywhere: the lock that makes "one successful charge per reference" hold.
    await tx.execute('select 1 from payment_references where reference = ? for update', [pending.reference]);
    if (answer.outcome === 'unknown') {
      await tx.execute("update charge_attempts set last_error = ?, updated_at = now() where id = ? and status = 'pending'", [clip(answer.reason), pending.id]);
      return { attempt: await tx.findOneOrFail(ChargeAttempt, { id: pending.id }, { refresh: true }) };
    }
    const status = answer.outcome === 'succeeded' ? 'succeeded' : answer.outcome === 'declined' ? 'declined' : answer.outcome === 'refused' ? 'refused' : 'failed';
    const lastError = answer.outcome === 'not_processed' || answer.outcome === 'refused' ? clip(answer.reason) : null;
    // Settled once: an attempt someone else settled meanwhile is left as it is.
    const [settled] = await tx.execute<Record<string, unknown>[]>(
      `update charge_attempts set status = ?, last_error = coalesce(?, last_error), updated_at = now() where id = ? and status = 'pending' returning *`,
      [status, lastError, pending.id],
    );
    if (!settled) return { attempt: await tx.findOneOrFail(ChargeAttempt, { id: pending.id }, { refresh: true }) };
    const attempt = tx.map(ChargeAttempt, settled);
    if (answer.outcome !== 'succeeded' && answer.outcome !== 'declined') return { attempt };
    const method = card ?? (await tx.findOneOrFail(PaymentMethod, { id: attempt.paymentMethodId }));
    const succeeded = answer.outcome === 'succeeded';
    const [inserted] = await tx.execute<Record<string, unknown>[]>(
      `insert into charges (id, reference, customer_id, amount, currency, amount_refunded, status, failure_code, payment_method_id, card_brand, card_last4,
                            description, provider_charge_id, created_at, updated_at)
       values (?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, now(), now()) returning *`,
      [
        attempt.id,
        attempt.reference,
        attempt.customerId,
        attempt.amount,
        attempt.currency,
        succeeded ? 'succeeded' : 'failed',
        succeeded ? null : answer.declineCode,
        method.id,
        method.brand,
        method.last4,
        attempt.description ?? null,
        answer.providerChargeId,
      ],
    );
    if (succeeded) {
      await tx.execute("update payment_references set status = 'charged', charge_id = ?, updated_at = now() where reference = ?", [attempt.id, attempt.reference]);
    }
    return { attempt, charge: tx.map(Charge, inserted!) };
  });
}

/**
 * Asks the provider for the attempt's charge (again, with its key) and
 * records the answer. `lookUpFirst`: first search the provider for it, and ask
 * only when it has none. `card`: the attempt's payment method, when the caller
 * has it. Returns the attempt as it now stands.
 */
export async function settleChargeAttempt(
  orm: MikroORM,
  provider: PaymentProvider,
  attempt: ChargeAttempt,
  options: { lookUpFirst?: boolean; card?: CardOnFile } = {},
): Promise<SettledCharge> {
  let answer: ChargeAnswer | undefined;
  if (options.lookUpFirst) {
    const found = await provider.findCharge(METADATA.chargeId, attempt.id);
    if (found) answer = answerFromCharge(found);
  }
  const card = options.card ?? (answer ? undefined : await orm.em.fork().findOneOrFail(PaymentMethod, { id: attempt.paymentMethodId }));
  if (!answer) {
    answer = await provider.charge(attempt.providerKey, {
      amount: attempt.amount,
      currency: attempt.currency,
      paymentMethod: card!.providerToken,
      description: attempt.description ?? null,
      metadata: { [METADATA.reference]: attempt.reference, [METADATA.chargeId]: attempt.id },
    });
  }
  return recordChargeAnswer(orm.em.fork() as EntityManager, attempt, card, answer);
}

async function recordRefundAnswer(em: EntityManager, attemptId: string, answer: RefundAnswer): Promise<RefundAttempt> {
  return em.transactional(async (tx) => {
    const { chargeId } = await tx.findOneOrFail(RefundAttempt, { id: attemptId });
    const charge = await tx.findOneOrFail(Charge, { id: chargeId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    const attempt = await tx.findOneOrFail(RefundAttempt, { id: attemptId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (attempt.status !== 'pending') return attempt;
    if (answer.outcome === 'succeeded') {
      tx.create(Refund, {
        id: attempt.id,
        chargeId: charge.id,
        amount: attempt.amount,
        currency: attempt.currency,
        reason: attempt.reason ?? null,
        status: 'succeeded',
        providerRefundId: answer.providerRefundId,
      });
      charge.amountRefunded += attempt.amount;
      charge.status = charge.amountRefunded === charge.amount ? 'refunded' : 'partially_refunded';
      attempt.status = 'succeeded';
    } else {
      if (answer.outcome === 'not_processed') attempt.status = 'failed';
      if (answer.outcome === 'refused') attempt.status = 'refused';
      attempt.lastError = clip(answer.reason);
    }
    await tx.flush();
    return attempt;
  });
}

/** As settleChargeAttempt, for a refund. */
export async function settleRefundAttempt(
  orm: MikroORM,
  provider: PaymentProvider,
  attempt: RefundAttempt,
  options: { lookUpFirst?: boolean } = {},
): Promise<RefundAttempt> {
  const charge = await orm.em.fork().findOneOrFail(Charge, { id: attempt.chargeId });
  const providerChargeId = charge.providerChargeId;
  if (!providerChargeId) throw new Error(`charge ${charge.id} has a refund attempt but no provider charge id`);
  let answer: RefundAnswer | undefined;
  if (options.lookUpFirst) {
    const found = await provider.findRefund(providerChargeId, METADATA.refundId, attempt.id);
    if (found) answer = { outcome: 'succeeded', providerRefundId: found.id };
  }
  answer ??= await provider.refund(attempt.providerKey, {
    providerChargeId,
    amount: attempt.amount,
    metadata: { [METADATA.reference]: charge.reference, [METADATA.refundId]: attempt.id },
  });
  return recordRefundAnswer(orm.em.fork() as EntityManager, attempt.id, answer);
}

/**
 * The reconciliation job's work: settle every attempt left pending for longer
 * than `olderThanMs` (a younger one is most likely still being answered).
 * Returns how many it settled. Safe with several instances: two settling one
 * attempt ask the provider with the same key and record the same answer.
 */
export async function reconcilePendingAttempts(orm: MikroORM, provider: PaymentProvider, options: { olderThanMs: number; limit?: number }): Promise<number> {
  const em = orm.em.fork();
  const where = { status: 'pending' as const, createdAt: { $lte: new Date(Date.now() - options.olderThanMs) } };
  const find = { orderBy: { createdAt: 'asc' as const }, limit: options.limit ?? 100 };
  let settled = 0;
  for (const attempt of await em.find(ChargeAttempt, where, find)) {
    if ((await settleChargeAttempt(orm, provider, attempt, { lookUpFirst: true })).attempt.status !== 'pending') settled++;
  }
  for (const attempt of await em.find(RefundAttempt, where, find)) {
    if ((await settleRefundAttempt(orm, provider, attempt, { lookUpFirst: true })).status !== 'pending') settled++;
  }
  return settled;
}
