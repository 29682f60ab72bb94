/**
 * Requests to the payment provider, made safe against crashes and retries
 * the way Stripe's model wants it:
 *
 * 1. the attempt is committed as `pending` first, with the provider's
 *    Idempotency-Key derived from what it is for (the reference or the
 *    charge, and the attempt's number);
 * 2. the provider is called, outside any transaction;
 * 3. its answer is recorded in one statement (no transaction: it commits
 *    whole or not at all).
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
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Charge, ChargeAttempt, PaymentMethod, Refund, RefundAttempt, type ChargeAttemptStatus, type RefundAttemptStatus } from './entities';
import { answerFromCharge, type ChargeAnswer, type PaymentProvider, type RefundAnswer } from './provider';
import { rowTimestamp } from '../../platform/db';

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

/** A charge attempt's state after settling, and its charge (when the provider charged or declined, whoever recorded it). */
export interface SettledCharge {
  status: ChargeAttemptStatus;
  lastError: string | null;
  charge?: Charge;
}

/** What settling a charge attempt needs of it: an entity, or the values a request has just inserted. */
export type SettlingChargeAttempt = Pick<ChargeAttempt, 'id' | 'reference' | 'providerKey' | 'paymentMethodId' | 'amount' | 'currency' | 'description'>;

/** What a charge copies from its payment method: the method never changes, so a caller that has it already passes it. */
type CardOnFile = Pick<PaymentMethod, 'id' | 'providerToken'>;

/** A row of the attempt's status and last error beside its charge's columns (null when it has none). */
type SettledRow<Status = ChargeAttemptStatus> = Record<string, unknown> & { attempt_status: Status; attempt_last_error: string | null };

/**
 * A row of charges as `c.*` gives it, as a plain object: hydrating entities was a measurable part
 * of a charge's CPU. Timestamps come as text (MikroORM has pg leave them so), parsed as the ORM parses them.
 */
function chargeFromRow(em: EntityManager, row: Record<string, unknown>): Charge {
  const timestamp = (value: unknown) => rowTimestamp(em, value);
  return {
    id: row.id as string,
    reference: row.reference as string,
    customerId: row.customer_id as string,
    amount: row.amount as number,
    currency: row.currency as string,
    amountRefunded: row.amount_refunded as number,
    status: row.status as Charge['status'],
    failureCode: row.failure_code as string | null,
    paymentMethodId: row.payment_method_id as string,
    cardBrand: row.card_brand as Charge['cardBrand'],
    cardLast4: row.card_last4 as string,
    description: row.description as string | null,
    providerChargeId: row.provider_charge_id as string | null,
    createdAt: timestamp(row.created_at),
    updatedAt: timestamp(row.updated_at),
  };
}

function toSettled(em: EntityManager, row: SettledRow): SettledCharge {
  const { attempt_status: status, attempt_last_error: lastError, ...charge } = row;
  return { status, lastError, ...(charge.id == null ? {} : { charge: chargeFromRow(em, charge) }) };
}

/** The attempt as it stands, with its charge: for an attempt another request settled first. */
async function readSettled(em: EntityManager, attemptId: string): Promise<SettledCharge> {
  const [row] = await em.execute<SettledRow[]>(
    `select a.status as attempt_status, a.last_error as attempt_last_error, c.*
     from charge_attempts a left join charges c on c.id = a.id where a.id = ?`,
    [attemptId],
  );
  if (!row) throw new Error(`charge attempt ${attemptId} vanished`);
  return toSettled(em, row);
}

/**
 * Records the provider's answer in one statement, so it needs no transaction
 * and a crash leaves either all of it or none (the attempt still pending).
 * The attempt's outcome, its charge (card details from its payment method)
 * and, when it succeeded, the reference's `charged` commit together: whoever
 * locks the reference sees the attempt pending or the reference charged,
 * never a succeeded attempt beside an open reference. Settled once: an
 * attempt someone else settled meanwhile is left as it is, and read back.
 */
async function recordChargeAnswer(em: EntityManager, attemptId: string, answer: ChargeAnswer): Promise<SettledCharge> {
  if (answer.outcome === 'unknown') {
    const [row] = await em.execute<SettledRow[]>(
      `update charge_attempts set last_error = ?, updated_at = now() where id = ? and status = 'pending'
       returning status as attempt_status, last_error as attempt_last_error`,
      [clip(answer.reason), attemptId],
    );
    return row ? toSettled(em, row) : readSettled(em, attemptId);
  }
  const recordsCharge = answer.outcome === 'succeeded' || answer.outcome === 'declined';
  const lastError = answer.outcome === 'not_processed' || answer.outcome === 'refused' ? clip(answer.reason) : null;
  const status = answer.outcome === 'not_processed' ? 'failed' : answer.outcome;
  const [row] = await em.execute<SettledRow[]>(
    `with settled as (
       update charge_attempts set status = ?, last_error = coalesce(?, last_error), updated_at = now()
       where id = ? and status = 'pending'
       returning *
     ), charge as (
       insert into charges (id, reference, customer_id, amount, currency, amount_refunded, status, failure_code, payment_method_id, card_brand, card_last4,
                            description, provider_charge_id, created_at, updated_at)
       select s.id, s.reference, s.customer_id, s.amount, s.currency, 0, ?, ?, s.payment_method_id, m.brand, m.last4, s.description, ?, now(), now()
       from settled s join payment_methods m on m.id = s.payment_method_id
       where ?
       returning *
     ), charged as (
       update payment_references r set status = 'charged', charge_id = c.id, updated_at = now()
       from charge c where r.reference = c.reference and c.status = 'succeeded'
     )
     select s.status as attempt_status, s.last_error as attempt_last_error, c.* from settled s left join charge c on true`,
    [
      status,
      lastError,
      attemptId,
      answer.outcome === 'succeeded' ? 'succeeded' : 'failed',
      answer.outcome === 'declined' ? answer.declineCode : null,
      recordsCharge ? answer.providerChargeId : null,
      recordsCharge,
    ],
  );
  return row ? toSettled(em, row) : readSettled(em, attemptId);
}

/**
 * Asks the provider for the attempt's charge (again, with its key) and
 * records the answer. `lookUpFirst`: first search the provider for it, and ask
 * only when it has none. `card`: the attempt's payment method, when the caller
 * has it. `em`: a fork of the caller's to send the statements with (no
 * transaction). Returns the attempt's state as it now stands.
 */
export async function settleChargeAttempt(
  orm: MikroORM,
  provider: PaymentProvider,
  attempt: SettlingChargeAttempt,
  options: { lookUpFirst?: boolean; card?: CardOnFile; em?: EntityManager } = {},
): Promise<SettledCharge> {
  // Statements only, nothing kept in its identity map: a caller's fork serves as well as a new one.
  const em = options.em ?? (orm.em.fork() as EntityManager);
  let answer: ChargeAnswer | undefined;
  if (options.lookUpFirst) {
    const found = await provider.findCharge(METADATA.chargeId, attempt.id);
    if (found) answer = answerFromCharge(found);
  }
  if (!answer) {
    const card = options.card ?? (await em.findOneOrFail(PaymentMethod, { id: attempt.paymentMethodId }));
    answer = await provider.charge(attempt.providerKey, {
      amount: attempt.amount,
      currency: attempt.currency,
      paymentMethod: card.providerToken,
      description: attempt.description ?? null,
      metadata: { [METADATA.reference]: attempt.reference, [METADATA.chargeId]: attempt.id },
    });
  }
  return recordChargeAnswer(em, attempt.id, answer);
}

/** A refund attempt's state after settling, and its refund when the provider made it (whoever recorded it). */
export interface SettledRefund {
  status: RefundAttemptStatus;
  lastError: string | null;
  refund?: Refund;
}

function toSettledRefund(em: EntityManager, row: SettledRow<RefundAttemptStatus>): SettledRefund {
  const { attempt_status: status, attempt_last_error: lastError, ...refund } = row;
  return { status, lastError, ...(refund.id == null ? {} : { refund: em.map(Refund, refund) }) };
}

/**
 * As recordChargeAnswer, for a refund: the attempt's outcome, the refund and
 * the charge's refunded amount in one statement. Whoever locks the charge sees
 * the attempt pending (counted as in flight) or its refund counted in the
 * charge, never both or neither.
 */
async function recordRefundAnswer(em: EntityManager, attemptId: string, answer: RefundAnswer): Promise<SettledRefund> {
  const status = answer.outcome === 'unknown' ? 'pending' : answer.outcome === 'not_processed' ? 'failed' : answer.outcome;
  const [row] = await em.execute<SettledRow<RefundAttemptStatus>[]>(
    `with settled as (
       update refund_attempts set status = ?, last_error = coalesce(?, last_error), updated_at = now()
       where id = ? and status = 'pending'
       returning *
     ), refund as (
       insert into refunds (id, charge_id, amount, currency, reason, status, provider_refund_id, created_at)
       select id, charge_id, amount, currency, reason, 'succeeded', ?, now() from settled where status = 'succeeded'
       returning *
     ), refunded as (
       update charges c set amount_refunded = c.amount_refunded + r.amount,
                            status = case when c.amount_refunded + r.amount = c.amount then 'refunded' else 'partially_refunded' end,
                            updated_at = now()
       from refund r where c.id = r.charge_id
     )
     select s.status as attempt_status, s.last_error as attempt_last_error, r.* from settled s left join refund r on true`,
    [status, answer.outcome === 'succeeded' ? null : clip(answer.reason), attemptId, answer.outcome === 'succeeded' ? answer.providerRefundId : null],
  );
  if (row) return toSettledRefund(em, row);
  const [current] = await em.execute<SettledRow<RefundAttemptStatus>[]>(
    `select a.status as attempt_status, a.last_error as attempt_last_error, r.*
     from refund_attempts a left join refunds r on r.id = a.id where a.id = ?`,
    [attemptId],
  );
  if (!current) throw new Error(`refund attempt ${attemptId} vanished`);
  return toSettledRefund(em, current);
}

/** What a refund needs of its charge: a caller that has the charge already passes it. */
type RefundedCharge = Pick<Charge, 'id' | 'reference' | 'providerChargeId'>;

/** As settleChargeAttempt, for a refund. */
export async function settleRefundAttempt(
  orm: MikroORM,
  provider: PaymentProvider,
  attempt: RefundAttempt,
  options: { lookUpFirst?: boolean; charge?: RefundedCharge } = {},
): Promise<SettledRefund> {
  const charge = options.charge ?? (await orm.em.fork().findOneOrFail(Charge, { id: attempt.chargeId }));
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
    if ((await settleChargeAttempt(orm, provider, attempt, { lookUpFirst: true })).status !== 'pending') settled++;
  }
  for (const attempt of await em.find(RefundAttempt, where, find)) {
    if ((await settleRefundAttempt(orm, provider, attempt, { lookUpFirst: true })).status !== 'pending') settled++;
  }
  return settled;
}
