/**
 * Checkout records: the durable trace of each checkout. The gateway records a
 * checkout before starting it, creating its order marks it ordered (in the
 * order's own transaction), and the checkout records its failure once it has
 * undone what it did. Every function that writes runs in the caller's transaction.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { conflict, notFound } from '../../platform/http/problem';
import type { components } from './api.gen';
import { CheckoutRecord, type Order } from './entities';

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

/** One writer at a time per checkout, so a record is created once however requests interleave. */
async function lockCheckout(em: EntityManager, id: string): Promise<void> {
  await em.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [checkoutLockKey(id)]);
}

function assertSameCustomer(record: CheckoutRecord, customerId: string): void {
  if (record.customerId !== customerId) throw conflict('checkout-mismatch', `Checkout ${record.id} is another customer's`);
}

export async function getCheckoutRecord(em: EntityManager, id: string): Promise<CheckoutRecord> {
  const record = await em.findOne(CheckoutRecord, { id });
  if (!record) throw notFound('Checkout', id);
  return record;
}

export async function recordCheckout(
  em: EntityManager,
  id: string,
  input: Schemas['RecordCheckoutRequest'],
): Promise<{ record: CheckoutRecord; created: boolean }> {
  // Every submit of a checkout records it, often many at once: a repeat reads, and only a first one waits for the lock.
  const known = await em.findOne(CheckoutRecord, { id });
  if (known) {
    assertSameCustomer(known, input.customerId);
    return { record: known, created: false };
  }
  await lockCheckout(em, id);
  const existing = await em.findOne(CheckoutRecord, { id }, { refresh: true });
  if (existing) {
    assertSameCustomer(existing, input.customerId);
    return { record: existing, created: false };
  }
  const record = em.create(CheckoutRecord, {
    id,
    customerId: input.customerId,
    idempotencyKey: input.idempotencyKey ?? null,
    requestFingerprint: input.requestFingerprint ?? null,
    status: 'started',
    orderId: null,
    totalAmount: null,
    totalCurrency: null,
    failure: null,
  });
  await em.flush();
  return { record, created: true };
}

/**
 * The order exists: the checkout is decided. Called in the transaction that creates the order,
 * which holds the checkout's lock (checkoutLockKey) already.
 */
export async function markCheckoutOrdered(em: EntityManager, order: Order): Promise<void> {
  await em.execute(
    `insert into checkout_records (id, customer_id, status, order_id, total_amount, total_currency, created_at, updated_at)
     values (?, ?, 'ordered', ?, ?, ?, now(), now())
     on conflict (id) do update set status = 'ordered', order_id = excluded.order_id, total_amount = excluded.total_amount,
       total_currency = excluded.total_currency, failure = null, updated_at = now()`,
    [order.checkoutId, order.customerId, order.id, order.total, order.currency],
  );
}

export async function recordCheckoutFailure(
  em: EntityManager,
  id: string,
  input: Schemas['RecordCheckoutFailureRequest'],
): Promise<CheckoutRecord> {
  await lockCheckout(em, id);
  const existing = await em.findOne(CheckoutRecord, { id });
  if (existing) assertSameCustomer(existing, input.customerId);
  if (existing?.status === 'ordered') {
    throw conflict('checkout-ordered', `Checkout ${id} has order ${existing.orderId}: the purchase stands`, { orderId: existing.orderId });
  }
  if (existing?.status === 'failed') return existing;
  const record =
    existing ??
    em.create(CheckoutRecord, { id, customerId: input.customerId, idempotencyKey: null, requestFingerprint: null, status: 'started', orderId: null, totalAmount: null, totalCurrency: null, failure: null });
  record.status = 'failed';
  record.failure = input.failure;
  await em.flush();
  return record;
}
