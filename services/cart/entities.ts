import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { components } from './api.gen';

export type CartStatus = components['schemas']['CartStatus'];
const CART_STATUSES: CartStatus[] = ['open', 'checking_out'];

export type CheckoutStatus = components['schemas']['CartCheckout']['status'];
const CHECKOUT_STATUSES: CheckoutStatus[] = ['locked', 'released', 'completed'];

export type CheckoutLine = components['schemas']['CheckoutLine'];

/** What a checkout was told to charge, kept so a repeated lock answers the same even after prices change. */
export interface StoredSnapshot {
  currency: string;
  lines: CheckoutLine[];
  total: number;
}

/**
 * One row per customer who ever used their cart. Its row lock serialises
 * every change to the cart: item changes, locking, releasing, completing.
 */
export const Cart = defineEntity({
  name: 'Cart',
  tableName: 'carts',
  properties: {
    customerId: p.string().length(128).primary(),
    status: p.enum(CART_STATUSES),
    /** The checkout holding the cart while `checking_out`. */
    checkoutId: p.string().length(128).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    /** When the items (or the lock) last changed. */
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  checks: [
    { name: 'carts_lock_check', expression: "(status = 'checking_out') = (checkout_id is not null)" },
  ],
});
export type Cart = InferEntity<typeof Cart>;

export const CartItem = defineEntity({
  name: 'CartItem',
  tableName: 'cart_items',
  properties: {
    id: p.uuid().primary(),
    cart: () => p.manyToOne(Cart).joinColumn('customer_id').deleteRule('cascade'),
    sku: p.string().length(64),
    quantity: p.integer(),
    // The product as it was when the item was last set: the fallback while the catalog is unreachable.
    name: p.string().length(200),
    unitPrice: p.integer(),
    currency: p.string().length(3),
    addedAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  uniques: [{ name: 'cart_items_customer_id_sku_unique', properties: ['cart', 'sku'] }],
  checks: [
    { name: 'cart_items_quantity_check', expression: 'quantity >= 1 and quantity <= 99' },
    { name: 'cart_items_unit_price_check', expression: 'unit_price > 0' },
  ],
});
export type CartItem = InferEntity<typeof CartItem>;

/**
 * A checkout's dealings with a cart, one row per checkout id: locked, then
 * released or completed. A release that arrives before any lock leaves a
 * `released` row, so a late lock for that checkout is refused.
 */
export const CartCheckout = defineEntity({
  name: 'CartCheckout',
  tableName: 'cart_checkouts',
  properties: {
    checkoutId: p.string().length(128).primary(),
    customerId: p.string().length(128),
    status: p.enum(CHECKOUT_STATUSES),
    snapshot: p.json<StoredSnapshot>().nullable(),
    lockedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  indexes: [{ properties: ['customerId'] }],
});
export type CartCheckout = InferEntity<typeof CartCheckout>;

export const cartEntities = [Cart, CartItem, CartCheckout];
