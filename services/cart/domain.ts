/**
 * Cart rules. Changes to one cart are serialised by its row lock (created on
 * first use with insert-on-conflict, then SELECT … FOR UPDATE), so any number
 * of instances may serve the same customer at once.
 *
 * The catalog is asked before a transaction opens, never inside one: a slow
 * catalog then holds no row lock and no database connection. Locking for a
 * checkout prices the items it read, and re-checks under the lock that no item
 * came in meanwhile (then it prices again).
 */
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { conflict, HttpProblem } from '../../platform/http/problem';
import { MAX_ORDER_TOTAL } from '../../platform/limits';
import type { components } from './api.gen';
import { CatalogUnavailable, type CatalogProduct, type ProductCatalog } from './catalog';
import { Cart, CartCheckout, CartItem, type StoredSnapshot } from './entities';

type Schemas = components['schemas'];
export type CartView = Schemas['Cart'];
export type CheckoutSnapshotView = Schemas['CheckoutSnapshot'];
export type CartCheckoutView = Schemas['CartCheckout'];

export const MAX_CART_ITEMS = 50;
/** Units of one product in a cart (CartQuantity in the spec): a shopper's quantity, well under an order line's. */
export const MAX_CART_QUANTITY = 99;
/** An empty cart has no currency of its own; its zero total is shown in the shop's main currency. */
export const EMPTY_CART_CURRENCY = 'USD';
/** Locking retries when items keep arriving between pricing and locking; more than this and the caller retries. */
const LOCK_ATTEMPTS = 5;

const cartLocked = (checkoutId: string | null | undefined) =>
  conflict('cart-locked', `The cart is being checked out (checkout ${checkoutId ?? 'unknown'}); its items cannot change until that ends`, {
    checkoutId,
  });
const productUnavailable = (skus: string[]) =>
  new HttpProblem(422, 'product-unavailable', 'A product is not available', `Not on sale, or not in the cart's currency: ${skus.join(', ')}`, {
    skus,
  });
const unprocessable = (type: string, title: string, detail: string, extensions: Record<string, unknown> = {}) =>
  new HttpProblem(422, type, title, detail, extensions);
/** A cart is checked out as one order, so it may not total more than one order may. */
const cartTotalTooLarge = (total: number, currency: string, extensions: Record<string, unknown> = {}) =>
  unprocessable(
    'cart-total-too-large',
    'The cart would total more than one order may',
    `The cart would total ${total} minor units of ${currency}; one order may total at most ${MAX_ORDER_TOTAL}`,
    { total, maxTotal: MAX_ORDER_TOTAL, ...extensions },
  );

// ---- reading and pricing -------------------------------------------------

interface CartContents {
  cart: Cart | null;
  items: CartItem[];
}

async function loadCart(em: EntityManager, customerId: string, lock = false): Promise<CartContents> {
  const cart = await em.findOne(Cart, { customerId }, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true } : {});
  const items = cart ? await em.find(CartItem, { cart: customerId }, { orderBy: { addedAt: 'asc', sku: 'asc' }, refresh: true }) : [];
  return { cart, items };
}

/** The cart's currency is its first item's; an empty cart's is the shop's. */
const cartCurrency = (items: CartItem[]) => items[0]?.currency ?? EMPTY_CART_CURRENCY;

type PricedItem = Schemas['CartItem'];

/**
 * Items at the catalog's prices (`products` given) or at the stored ones (the
 * catalog unreachable). A product the catalog no longer has, has stopped
 * selling, or is priced in another currency than the cart's is not available.
 */
export function priceItems(items: CartItem[], products: Map<string, CatalogProduct> | undefined): { items: PricedItem[]; total: Schemas['Money'] } {
  const currency = cartCurrency(items);
  const priced = items.map((item): PricedItem => {
    const product = products?.get(item.sku);
    const name = product?.name ?? item.name;
    const unitPrice = product?.price ?? { amount: item.unitPrice, currency: item.currency };
    const available = products ? product !== undefined && product.active && unitPrice.currency === currency : unitPrice.currency === currency;
    return {
      sku: item.sku,
      name,
      quantity: item.quantity,
      unitPrice,
      lineTotal: { amount: unitPrice.amount * item.quantity, currency: unitPrice.currency },
      available,
    };
  });
  // At most MAX_CART_ITEMS × MAX_CART_QUANTITY × MAX_UNIT_PRICE minor units: exact in a double.
  const amount = priced.filter((item) => item.available).reduce((sum, item) => sum + item.lineTotal.amount, 0);
  return { items: priced, total: { amount, currency } };
}

function toCartView(customerId: string, { cart, items }: CartContents, products: Map<string, CatalogProduct> | undefined): CartView {
  const priced = priceItems(items, products);
  return {
    customerId,
    status: cart?.status ?? 'open',
    ...(cart?.checkoutId ? { checkoutId: cart.checkoutId } : {}),
    items: priced.items,
    total: priced.total,
    itemCount: items.reduce((sum, item) => sum + item.quantity, 0),
    pricesCurrent: products !== undefined,
    updatedAt: cart ? cart.updatedAt.toISOString() : null,
  };
}

/** The cart at current prices, or at stored ones while the catalog is unreachable: reading a cart never fails on the catalog. */
export async function getCart(em: EntityManager, catalog: ProductCatalog, customerId: string): Promise<CartView> {
  const contents = await loadCart(em, customerId);
  if (contents.items.length === 0) return toCartView(customerId, contents, new Map());
  let products: Map<string, CatalogProduct> | undefined;
  try {
    products = await catalog.products(contents.items.map((item) => item.sku));
  } catch (error) {
    if (!(error instanceof CatalogUnavailable)) throw error;
  }
  return toCartView(customerId, contents, products);
}

// ---- changing items ------------------------------------------------------

/** Creates the cart's row on first use and takes its lock for the rest of the transaction. */
async function lockCartRow(tx: EntityManager, customerId: string): Promise<Cart> {
  await tx.execute("insert into carts (customer_id, status, created_at, updated_at) values (?, 'open', now(), now()) on conflict (customer_id) do nothing", [
    customerId,
  ]);
  return tx.findOneOrFail(Cart, { customerId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
}

function assertOpen(cart: Cart | null): void {
  if (cart?.status === 'checking_out') throw cartLocked(cart.checkoutId);
}

export async function setItemQuantity(orm: MikroORM, catalog: ProductCatalog, customerId: string, sku: string, quantity: number): Promise<void> {
  // Refuse a locked cart before bothering the catalog; the transaction below checks again under the lock.
  assertOpen(await orm.em.fork().findOne(Cart, { customerId }));
  const product = await catalog.product(sku);
  if (!product) throw new HttpProblem(404, 'product-not-found', 'Product not found', `The catalog has no product with SKU '${sku}'`, { sku });
  if (!product.active) throw productUnavailable([sku]);

  await orm.em.fork().transactional(async (tx) => {
    const cart = await lockCartRow(tx, customerId);
    assertOpen(cart);
    const items = await tx.find(CartItem, { cart: customerId }, { orderBy: { addedAt: 'asc', sku: 'asc' } });
    const existing = items.find((item) => item.sku === sku);
    const quantityBefore = existing?.quantity ?? 0;
    const stored = { name: product.name, unitPrice: product.price.amount, currency: product.price.currency };
    if (existing) {
      if (existing.quantity !== quantity) cart.updatedAt = new Date();
      // The stored price is the fallback while the catalog is down: keep it as fresh as we know it.
      Object.assign(existing, { quantity, ...stored });
    } else {
      if (items.length >= MAX_CART_ITEMS) {
        throw unprocessable('cart-full', 'The cart is full', `A cart holds at most ${MAX_CART_ITEMS} different products`, { maxItems: MAX_CART_ITEMS });
      }
      const currency = items[0]?.currency;
      if (currency && currency !== product.price.currency) {
        throw unprocessable('currency-mismatch', 'The product is priced in another currency', `The cart is in ${currency}; ${sku} is priced in ${product.price.currency}`, {
          cartCurrency: currency,
          productCurrency: product.price.currency,
        });
      }
      tx.create(CartItem, { id: randomUUID(), cart: customerId, sku, quantity, ...stored });
      cart.updatedAt = new Date();
    }
    // The other items at the prices last seen for them (locking re-prices them all, and checks again).
    // Fewer units are always fine, so a cart that went over by a price rise can be brought back under.
    const others = items.filter((item) => item.sku !== sku).reduce((sum, item) => sum + item.unitPrice * item.quantity, 0);
    const total = others + product.price.amount * quantity;
    if (total > MAX_ORDER_TOTAL && quantity > quantityBefore) {
      const fits = Math.max(0, Math.floor((MAX_ORDER_TOTAL - others) / product.price.amount));
      throw cartTotalTooLarge(total, product.price.currency, {
        errors: [{ field: 'body.quantity', message: `at most ${fits} of ${sku} fit in one order with the rest of the cart` }],
      });
    }
    await tx.flush();
  });
}

/** Removes one item (`sku`) or every item; removing what is not there is fine. */
export async function removeItems(orm: MikroORM, customerId: string, sku?: string): Promise<void> {
  await orm.em.fork().transactional(async (tx) => {
    // No row, nothing to remove: a never-used cart is not created by emptying it.
    const cart = await tx.findOne(Cart, { customerId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!cart) return;
    assertOpen(cart);
    const removed = await tx.nativeDelete(CartItem, { cart: customerId, ...(sku ? { sku } : {}) });
    if (removed > 0) {
      cart.updatedAt = new Date();
      await tx.flush();
    }
  });
}

// ---- checkout ------------------------------------------------------------

function toSnapshotView(record: CartCheckout): CheckoutSnapshotView {
  const snapshot = record.snapshot as StoredSnapshot;
  return {
    checkoutId: record.checkoutId,
    customerId: record.customerId,
    status: record.status === 'completed' ? 'completed' : 'locked',
    currency: snapshot.currency,
    lines: snapshot.lines,
    total: { amount: snapshot.total, currency: snapshot.currency },
    lockedAt: (record.lockedAt ?? record.createdAt).toISOString(),
  };
}

export function toCheckoutView(record: CartCheckout): CartCheckoutView {
  return { checkoutId: record.checkoutId, customerId: record.customerId, status: record.status, updatedAt: record.updatedAt.toISOString() };
}

/** What a checkout already did decides a repeat: the stored snapshot, or a refusal. */
function answerForRecorded(record: CartCheckout, customerId: string): CheckoutSnapshotView {
  if (record.customerId !== customerId) throw conflict('checkout-mismatch', `Checkout ${record.checkoutId} belongs to another cart`);
  if (record.status === 'released') {
    throw conflict('checkout-released', `Checkout ${record.checkoutId} was released; it cannot lock the cart again`);
  }
  return toSnapshotView(record);
}

const RETRY = Symbol('retry');

export async function lockForCheckout(orm: MikroORM, catalog: ProductCatalog, customerId: string, checkoutId: string): Promise<CheckoutSnapshotView> {
  for (let attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
    const em = orm.em.fork();
    const recorded = await em.findOne(CartCheckout, { checkoutId });
    if (recorded) return answerForRecorded(recorded, customerId);
    const { cart, items } = await loadCart(em, customerId);
    if (cart?.status === 'checking_out') throw cartLocked(cart.checkoutId);
    if (items.length === 0) throw unprocessable('cart-empty', 'The cart is empty', 'There is nothing to check out');

    const askedFor = new Set(items.map((item) => item.sku));
    const products = await catalog.products([...askedFor]);

    const outcome = await orm.em.fork().transactional(async (tx): Promise<CheckoutSnapshotView | typeof RETRY> => {
      const locked = await lockCartRow(tx, customerId);
      const again = await tx.findOne(CartCheckout, { checkoutId });
      if (again) return answerForRecorded(again, customerId);
      assertOpen(locked);
      const current = await tx.find(CartItem, { cart: customerId }, { orderBy: { addedAt: 'asc', sku: 'asc' } });
      if (current.length === 0) throw unprocessable('cart-empty', 'The cart is empty', 'There is nothing to check out');
      // An item added since we asked the catalog has no price yet.
      if (current.some((item) => !askedFor.has(item.sku))) return RETRY;

      const priced = priceItems(current, products);
      const unavailable = priced.items.filter((item) => !item.available).map((item) => item.sku);
      if (unavailable.length > 0) throw productUnavailable(unavailable);
      // Prices may have risen since the items were added.
      if (priced.total.amount > MAX_ORDER_TOTAL) throw cartTotalTooLarge(priced.total.amount, priced.total.currency);
      const snapshot: StoredSnapshot = {
        currency: priced.total.currency,
        lines: priced.items.map((item) => ({ sku: item.sku, name: item.name, quantity: item.quantity, unitPrice: item.unitPrice.amount })),
        total: priced.total.amount,
      };
      const record = tx.create(CartCheckout, { checkoutId, customerId, status: 'locked', snapshot, lockedAt: new Date() });
      locked.status = 'checking_out';
      locked.checkoutId = checkoutId;
      await tx.flush();
      return toSnapshotView(record);
    }).catch((error: unknown) => {
      // The same checkout id, for another customer's cart, at the same moment: the primary key decides.
      if (error instanceof UniqueConstraintViolationException) throw conflict('checkout-mismatch', `Checkout ${checkoutId} belongs to another cart`);
      throw error;
    });
    if (outcome !== RETRY) return outcome;
  }
  throw new HttpProblem(503, 'cart-busy', 'The cart keeps changing', 'Items were added while the cart was being priced; try again');
}

export async function releaseCheckout(orm: MikroORM, customerId: string, checkoutId: string): Promise<CartCheckoutView> {
  return orm.em.fork().transactional(async (tx) => {
    const cart = await lockCartRow(tx, customerId);
    let record = await tx.findOne(CartCheckout, { checkoutId });
    if (record && record.customerId !== customerId) throw conflict('checkout-mismatch', `Checkout ${checkoutId} belongs to another cart`);
    if (!record) {
      // Released before it ever locked (its lock may still be on the way): remembered, so that lock is refused.
      record = tx.create(CartCheckout, { checkoutId, customerId, status: 'released', snapshot: null, lockedAt: null });
    } else if (record.status === 'locked') {
      record.status = 'released';
      if (cart.checkoutId === checkoutId) {
        cart.status = 'open';
        cart.checkoutId = null;
      }
    }
    await tx.flush();
    return toCheckoutView(record);
  });
}

export async function completeCheckout(orm: MikroORM, customerId: string, checkoutId: string): Promise<CartCheckoutView> {
  return orm.em.fork().transactional(async (tx) => {
    const cart = await lockCartRow(tx, customerId);
    const record = await tx.findOne(CartCheckout, { checkoutId });
    if (record && record.customerId !== customerId) throw conflict('checkout-mismatch', `Checkout ${checkoutId} belongs to another cart`);
    if (record?.status === 'completed') return toCheckoutView(record);
    if (record?.status !== 'locked') {
      if (cart.status === 'checking_out') throw cartLocked(cart.checkoutId);
      if (record) throw conflict('checkout-released', `Checkout ${checkoutId} was released; there is nothing to complete`);
      throw conflict('checkout-not-locked', `Checkout ${checkoutId} never locked this cart; there is nothing to complete`);
    }
    await tx.nativeDelete(CartItem, { cart: customerId });
    record.status = 'completed';
    cart.status = 'open';
    cart.checkoutId = null;
    cart.updatedAt = new Date();
    await tx.flush();
    return toCheckoutView(record);
  });
}
