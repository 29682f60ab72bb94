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

export const ordersEntities = [Order, OrderCancellationTombstone];
