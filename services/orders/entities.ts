import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export type OrderStatus = 'placed' | 'paid' | 'shipped' | 'delivered' | 'cancelled';
const ORDER_STATUSES: OrderStatus[] = ['placed', 'paid', 'shipped', 'delivered', 'cancelled'];

export interface OrderLine {
  sku: string;
  name: string;
  quantity: number;
  /** Minor units. */
  unitPrice: number;
}

export interface ShippingAddress {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  postalCode: string;
  country: string;
}

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
