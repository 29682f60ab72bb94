import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { components } from './api.gen';

export type OrderStatus = 'placed' | 'paid' | 'shipped' | 'delivered' | 'cancelled';
const ORDER_STATUSES: OrderStatus[] = ['placed', 'paid', 'shipped', 'delivered', 'cancelled'];

// The stored shapes are the API's, as the orders spec defines them.
export type OrderLine = components['schemas']['OrderLine'];
export type ShippingAddress = components['schemas']['ShippingAddress'];

export interface StatusChange {
  status: OrderStatus;
  /** ISO 8601. */
  at: string;
  note?: string;
}

export const Order = defineEntity({
  name: 'Order',
  tableName: 'orders',
  properties: {
    id: p.uuid().primary(),
    checkoutId: p.string().length(128).unique(),
    customerId: p.string().length(128),
    customerEmail: p.string().length(254),
    customerPhone: p.string().length(16).nullable(),
    currency: p.string().length(3),
    lines: p.json<OrderLine[]>(),
    // Minor units; bigint because a large order can pass 2^31 cents.
    total: p.bigint('number'),
    shippingAddress: p.json<ShippingAddress>(),
    chargeId: p.string().length(128),
    status: p.enum(ORDER_STATUSES),
    statusHistory: p.json<StatusChange[]>(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  indexes: [{ properties: ['customerId', 'createdAt'] }, { properties: ['status', 'createdAt'] }],
  checks: [{ name: 'orders_total_check', expression: 'total >= 0' }],
});
export type Order = InferEntity<typeof Order>;

/** An order id cancelled before its order existed: a late create for it is refused. */
export const OrderCancellationTombstone = defineEntity({
  name: 'OrderCancellationTombstone',
  tableName: 'order_cancellation_tombstones',
  properties: {
    orderId: p.uuid().primary(),
    reason: p.string().length(500),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type OrderCancellationTombstone = InferEntity<typeof OrderCancellationTombstone>;

export const ORDER_EVENT_TYPES = ['order_shipped', 'order_delivered', 'order_cancelled'] as const;
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

/**
 * The outbox: a status change the customer must hear about, written in the
 * same transaction as the change, so it is never lost and never sent for a
 * change that rolled back. A background job hands it to the notifications
 * service (notifier.ts), claiming it with a lease rather than holding a lock.
 */
export const OrderEvent = defineEntity({
  name: 'OrderEvent',
  tableName: 'order_events',
  properties: {
    id: p.uuid().primary(),
    orderId: p.uuid(),
    type: p.enum([...ORDER_EVENT_TYPES]),
    note: p.string().length(500).nullable(),
    occurredAt: p.datetime(),
    /** Hand-overs started, the one under way included. */
    attempts: p.integer().default(0),
    /** When the event is next due: while a relay holds it, the end of that relay's lease; then the retry's backoff. */
    nextAttemptAt: p.datetime(),
    /** The relay run that holds the event until `nextAttemptAt`, or null: only it may release the event. */
    claimId: p.uuid().nullable(),
    deliveredAt: p.datetime().nullable(),
    lastError: p.string().length(1000).nullable(),
  },
  indexes: [{ properties: ['deliveredAt', 'nextAttemptAt'] }],
  uniques: [{ properties: ['orderId', 'type'] }],
});
export type OrderEvent = InferEntity<typeof OrderEvent>;

export const CHECKOUT_RECORD_STATUSES = ['started', 'ordered', 'failed'] as const;
export type CheckoutRecordStatus = (typeof CHECKOUT_RECORD_STATUSES)[number];
export type CheckoutFailure = components['schemas']['CheckoutFailure'];

/**
 * A checkout's durable trace: the key that named it, and how it ended. It
 * outlives the checkout workflow, which Temporal forgets after its retention.
 */
export const CheckoutRecord = defineEntity({
  name: 'CheckoutRecord',
  tableName: 'checkout_records',
  properties: {
    id: p.string().length(128).primary(),
    customerId: p.string().length(128),
    idempotencyKey: p.string().length(255).nullable(),
    requestFingerprint: p.string().length(64).nullable(),
    status: p.enum([...CHECKOUT_RECORD_STATUSES]),
    orderId: p.uuid().nullable(),
    totalAmount: p.bigint('number').nullable(),
    totalCurrency: p.string().length(3).nullable(),
    failure: p.json<CheckoutFailure>().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  indexes: [{ properties: ['customerId', 'createdAt'] }],
});
export type CheckoutRecord = InferEntity<typeof CheckoutRecord>;

export const ordersEntities = [Order, OrderCancellationTombstone, OrderEvent, CheckoutRecord];
