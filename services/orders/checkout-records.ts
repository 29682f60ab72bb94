/**
 * Checkout records: the durable trace of each checkout. The gateway records a
 * checkout before starting it, creating its order marks it ordered (in the
 * order's own statement, domain.ts), and the checkout records its failure once
 * it has undone what it did. Each write is one statement, or one query of two
 * (which PostgreSQL runs as one transaction), so none needs a transaction of
 * the route's own.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { conflict, notFound } from '../../platform/http/problem';
import type { components } from './api.gen';
import { CheckoutRecord } from './entities';

type Schemas = components['schemas'];

export function toCheckoutRecordView(record: CheckoutRecord): Schemas['CheckoutRecord'] {
  return {
    id: record.id,
    customerId: record.customerId,
    status: record.status,
    ...(record.idempotencyKey ? { idempotencyKey: record.idempotencyKey } : {}),
    ...(record.requestFingerprint ? { requestFingerprint: record.requestFingerprint } : {}),
    ...(record.orderId ? { orderId: record.orderId } : {}),
    ...(record.totalAmount !== null && record.totalAmount !== undefined && record.totalCurrency
      ? { total: { amount: record.totalAmount, currency: record.totalCurrency } }
      : {}),
    ...(record.failure ? { failure: record.failure } : {}),
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

export const checkoutLockKey = (id: string) => `checkout:${id}`;

function assertSameCustomer(record: CheckoutRecord, customerId: string): void {
  if (record.customerId !== customerId) throw conflict('checkout-mismatch', `Checkout ${record.id} is another customer's`);
}

export async function getCheckoutRecord(em: EntityManager, id: string): Promise<CheckoutRecord> {
  const record = await em.findOne(CheckoutRecord, { id });
  if (!record) throw notFound('Checkout', id);
  return record;
}

type RecordRow = Record<string, unknown> & { written: boolean };

/**
 * A statement's answer: the record it wrote, or else the record as its snapshot saw it. With no
 * row, its insert waited for another request's, which committed after the snapshot was taken:
 * the record is read again.
 */
async function answered(em: EntityManager, id: string, row: RecordRow | undefined): Promise<{ record: CheckoutRecord; written: boolean }> {
  if (!row) return { record: await em.findOneOrFail(CheckoutRecord, { id }, { refresh: true }), written: false };
  const { written, ...columns } = row;
  return { record: em.map(CheckoutRecord, columns), written };
}

/**
 * Every submit of a checkout records it, often many at once: the insert stands back when the id
 * is known (waiting for a first insert still under way), and the record is answered as it is.
 */
export async function recordCheckout(
  em: EntityManager,
  id: string,
  input: Schemas['RecordCheckoutRequest'],
): Promise<{ record: CheckoutRecord; created: boolean }> {
  const [row] = await em.execute<RecordRow[]>(
    `with inserted as (
       insert into checkout_records (id, customer_id, idempotency_key, request_fingerprint, status, created_at, updated_at)
       values (?, ?, ?, ?, 'started', now(), now())
       on conflict (id) do nothing returning *)
     select true as written, * from inserted
     union all select false, * from checkout_records where id = ? and not exists (select 1 from inserted)`,
    [id, input.customerId, input.idempotencyKey ?? null, input.requestFingerprint ?? null, id],
  );
  const { record, written } = await answered(em, id, row);
  if (!written) assertSameCustomer(record, input.customerId);
  return { record, created: written };
}

/**
 * Records how the checkout failed, once, and never over its order. One query of two statements,
 * which PostgreSQL runs as one transaction: the first takes the checkout's lock, which creating
 * its order holds until the order and its mark are committed; the second, with a snapshot taken
 * under it, writes the failure over a started record (or as a new one), or answers the record.
 */
export async function recordCheckoutFailure(
  em: EntityManager,
  id: string,
  input: Schemas['RecordCheckoutFailureRequest'],
): Promise<CheckoutRecord> {
  const [, [row]] = await em.execute<[unknown, RecordRow[]]>(
    `select pg_advisory_xact_lock(hashtextextended(?, 0));
     with failed as (
       insert into checkout_records (id, customer_id, status, failure, created_at, updated_at)
       values (?, ?, 'failed', ?, now(), now())
       on conflict (id) do update set status = 'failed', failure = excluded.failure, updated_at = now()
       where checkout_records.status = 'started' and checkout_records.customer_id = excluded.customer_id
       returning *)
     select true as written, * from failed
     union all select false, * from checkout_records where id = ? and not exists (select 1 from failed)`,
    [checkoutLockKey(id), id, input.customerId, JSON.stringify(input.failure), id],
  );
  const { record, written } = await answered(em, id, row);
  if (written) return record;
  assertSameCustomer(record, input.customerId);
  if (record.status === 'ordered') {
    throw conflict('checkout-ordered', `Checkout ${id} has order ${record.orderId}: the purchase stands`, { orderId: record.orderId });
  }
  if (record.status !== 'failed') throw new Error(`checkout ${id} is ${record.status} after recording its failure`);
  return record;
}
