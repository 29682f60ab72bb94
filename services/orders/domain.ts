/**
 * Order rules. Every function that writes runs inside the caller's transaction, except
 * createOrder, which is one query that PostgreSQL runs as one transaction.
 *
 * Creating and cancelling one order id are serialised by a transaction-scoped
 * advisory lock on the id: a cancel can arrive before the order exists (the
 * saga compensates a create whose outcome it does not know), when there is no
 * row to lock yet. With the lock, a create racing a cancel ends either created
 * then cancelled, or refused because the cancel left a tombstone first.
 */
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { stringify } from 'safe-stable-stringify';
import { conflict, HttpProblem, notFound } from '../../platform/http/problem';
import type { components } from './api.gen';
import { randomUUID } from 'node:crypto';
import { checkoutLockKey } from './checkout-records';
import { Order, OrderCancellationTombstone, OrderEvent, type OrderEventType, type OrderStatus, type StatusChange } from './entities';

type Schemas = components['schemas'];
export type CreateOrderInput = Schemas['CreateOrderRequest'];

export function toOrderView(order: Order): Schemas['Order'] {
  return {
    id: order.id,
    checkoutId: order.checkoutId,
    customerId: order.customerId,
    customerEmail: order.customerEmail,
    ...(order.customerPhone ? { customerPhone: order.customerPhone } : {}),
    status: order.status,
    lines: order.lines,
    total: { amount: order.total, currency: order.currency },
    shippingAddress: order.shippingAddress,
    chargeId: order.chargeId,
    statusHistory: order.statusHistory,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}

export async function getOrder(em: EntityManager, id: string): Promise<Order> {
  const order = await em.findOne(Order, { id });
  if (!order) throw notFound('Order', id);
  return order;
}

export async function listOrders(
  em: EntityManager,
  query: { customerId?: string; status?: OrderStatus; limit: number; offset: number },
): Promise<Schemas['OrderPage']> {
  const where = {
    ...(query.customerId ? { customerId: query.customerId } : {}),
    ...(query.status ? { status: query.status } : {}),
  };
  const [orders, total] = await em.findAndCount(Order, where, {
    orderBy: { createdAt: 'desc', id: 'desc' },
    limit: query.limit,
    offset: query.offset,
  });
  return { items: orders.map(toOrderView), total, limit: query.limit, offset: query.offset };
}

/** Amounts stay below 2^53 (lines × quantity × unit price are bounded by the schema), so number arithmetic is exact. */
function assertTotalMatchesLines(input: CreateOrderInput): void {
  const sum = input.lines.reduce((total, line) => total + line.quantity * line.unitPrice, 0);
  if (sum === input.total) return;
  throw new HttpProblem(422, 'total-mismatch', 'The total does not match the lines', `The lines add up to ${sum}, not ${input.total}`, {
    errors: [{ field: 'body.total', message: `must be ${sum}, the sum of quantity × unitPrice over the lines` }],
    expectedTotal: sum,
  });
}

export const orderLockKey = (id: string) => `order:${id}`;

async function lockOrderId(em: EntityManager, id: string): Promise<void> {
  await em.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [orderLockKey(id)]);
}

function inputOf(order: Order): CreateOrderInput {
  return {
    checkoutId: order.checkoutId,
    customerId: order.customerId,
    customerEmail: order.customerEmail,
    ...(order.customerPhone ? { customerPhone: order.customerPhone } : {}),
    currency: order.currency,
    lines: order.lines,
    total: order.total,
    shippingAddress: order.shippingAddress,
    chargeId: order.chargeId,
  };
}

function assertRepeatOf(existing: Order, input: CreateOrderInput): void {
  if (existing.status === 'cancelled') {
    throw conflict('order-cancelled', `Order ${existing.id} was cancelled; use a new id`);
  }
  if (stringify(inputOf(existing)) !== stringify(input)) {
    throw conflict('order-mismatch', `Order ${existing.id} exists with other content`);
  }
}

function withStatus(order: Order, status: OrderStatus, note?: string): void {
  const change: StatusChange = { status, at: new Date().toISOString(), ...(note ? { note } : {}) };
  order.status = status;
  order.statusHistory = [...order.statusHistory, change];
}

/** Into the outbox, in the caller's transaction: the customer hears of the change once it has committed. */
function recordEvent(em: EntityManager, order: Order, type: OrderEventType, note?: string): void {
  const now = new Date();
  em.create(OrderEvent, { id: randomUUID(), orderId: order.id, type, note: note ?? null, occurredAt: now, nextAttemptAt: now, attempts: 0 });
}

/**
 * The saga creates the order after charging, so a new order is placed and paid at once. One query
 * of two statements, which PostgreSQL runs as one transaction: the first takes the locks, in the
 * order every writer takes them (the order id, then its checkout); the second, with a snapshot
 * taken under them, inserts the order and marks its checkout ordered, or answers the order this id
 * has already. It stands back, and the slower path below says why, when the checkout has another
 * order or the id was cancelled before its order existed.
 */
export async function createOrder(em: EntityManager, id: string, input: CreateOrderInput): Promise<{ order: Order; created: boolean }> {
  assertTotalMatchesLines(input);
  const placedAt = new Date();
  const statusHistory: StatusChange[] = [
    { status: 'placed', at: placedAt.toISOString() },
    { status: 'paid', at: placedAt.toISOString(), note: `charge ${input.chargeId}` },
  ];
  const [, [row]] = await em.execute<[unknown, (Record<string, unknown> & { created: boolean })[]]>(
    `select pg_advisory_xact_lock(hashtextextended(?, 0)), pg_advisory_xact_lock(hashtextextended(?, 0));
     with inserted as (
       insert into orders (id, checkout_id, customer_id, customer_email, customer_phone, currency, lines, total, shipping_address, charge_id,
                           status, status_history, created_at, updated_at)
       select ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'paid', ?, ?, ?
       where not exists (select 1 from order_cancellation_tombstones where order_id = ?)
       on conflict do nothing returning *),
     ordered as (
       insert into checkout_records (id, customer_id, status, order_id, total_amount, total_currency, created_at, updated_at)
       select checkout_id, customer_id, 'ordered', id, total, currency, now(), now() from inserted
       on conflict (id) do update set status = 'ordered', order_id = excluded.order_id, total_amount = excluded.total_amount,
         total_currency = excluded.total_currency, failure = null, updated_at = now())
     select true as created, * from inserted
     union all select false, * from orders where id = ? and not exists (select 1 from inserted)`,
    [
      orderLockKey(id),
      checkoutLockKey(input.checkoutId),
      id,
      input.checkoutId,
      input.customerId,
      input.customerEmail,
      input.customerPhone ?? null,
      input.currency,
      JSON.stringify(input.lines),
      input.total,
      JSON.stringify(input.shippingAddress),
      input.chargeId,
      JSON.stringify(statusHistory),
      placedAt,
      placedAt,
      id,
      id,
    ],
  );
  if (!row) throw await refusal(em, id, input);
  const { created, ...columns } = row;
  const order = em.map(Order, columns);
  if (!created) assertRepeatOf(order, input);
  return { order, created };
}

/** Why the insert stood back when the id has no order: it was cancelled first, or the checkout has another order. */
async function refusal(em: EntityManager, id: string, input: CreateOrderInput): Promise<HttpProblem> {
  // Both are for good, so they can be read after the locks are gone.
  if (await em.findOne(OrderCancellationTombstone, { orderId: id })) {
    return conflict('order-cancelled', `Order ${id} was cancelled before it was created; use a new id`);
  }
  const sameCheckout = await em.findOne(Order, { checkoutId: input.checkoutId });
  if (sameCheckout) {
    return conflict('checkout-already-ordered', `Checkout ${input.checkoutId} already has order ${sameCheckout.id}`, { orderId: sameCheckout.id });
  }
  throw new Error(`order ${id} was neither inserted nor found`);
}

export async function cancelOrder(
  em: EntityManager,
  id: string,
  reason: string,
  options: { notifyCustomer: boolean } = { notifyCustomer: false },
): Promise<Schemas['OrderCancellation']> {
  await lockOrderId(em, id);
  const order = await em.findOne(Order, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!order) {
    // The compensation came first (or instead): remember it so a late create is refused.
    if (!(await em.findOne(OrderCancellationTombstone, { orderId: id }))) {
      em.create(OrderCancellationTombstone, { orderId: id, reason });
      await em.flush();
    }
    return { orderId: id, status: 'cancelled' };
  }
  if (order.status === 'shipped' || order.status === 'delivered') {
    throw conflict('order-not-cancellable', `Order ${id} is ${order.status} and can no longer be cancelled`, { orderStatus: order.status });
  }
  if (order.status !== 'cancelled') {
    withStatus(order, 'cancelled', reason);
    // The checkout tells the customer about its own failure; an order cancelled by staff is news to them.
    if (options.notifyCustomer) recordEvent(em, order, 'order_cancelled', reason);
    await em.flush();
  }
  return { orderId: id, status: 'cancelled', order: toOrderView(order) };
}

/** The one status each fulfilment step may follow. */
const FULFILMENT_STEPS = { shipped: 'paid', delivered: 'shipped' } as const satisfies Record<string, OrderStatus>;

export async function advanceFulfilment(em: EntityManager, id: string, target: keyof typeof FULFILMENT_STEPS, note?: string): Promise<Order> {
  const order = await em.findOne(Order, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!order) throw notFound('Order', id);
  if (order.status === target) return order;
  const from = FULFILMENT_STEPS[target];
  if (order.status !== from) {
    throw conflict('invalid-transition', `Order ${id} is ${order.status}; only a ${from} order can become ${target}`, { orderStatus: order.status });
  }
  withStatus(order, target, note);
  recordEvent(em, order, target === 'shipped' ? 'order_shipped' : 'order_delivered', note);
  await em.flush();
  return order;
}
