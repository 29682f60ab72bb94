/**
 * Cart rules. Changes to one cart are serialised by its row lock (created on
 * first use, then SELECT … FOR UPDATE), so any number of instances may serve
 * the same customer at once.
 *
 * The catalog is asked before a transaction opens, never inside one: a slow
 * catalog then holds no row lock and no database connection. Locking for a
 * checkout prices the items it read, and re-checks under the lock that no item
 * came in meanwhile (then it prices again).
 *
 * The shopper's path (set an item, lock, complete) runs on every checkout, so
 * it is written as plain parameterised SQL through `em.execute`, a few
 * statements per request, rather than through the ORM's entities, identity
 * map and flushes: each statement and each transaction costs CPU in the
 * service (docs/benchmarks.md). Reads take the cart, its items and a
 * checkout's record in one statement; each change is one statement (a CTE
 * where it touches several tables). Completing and releasing a locked
 * checkout, the usual case, is a single statement without a transaction.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { conflict, HttpProblem } from '../../platform/http/problem';
import { MAX_ORDER_TOTAL } from '../../platform/limits';
import type { components } from './api.gen';
import { CatalogUnavailable, type CatalogProduct, type ProductCatalog } from './catalog';
import type { Cart, CartCheckout, CartItem, StoredSnapshot } from './entities';

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
const checkoutMismatch = (checkoutId: string) => conflict('checkout-mismatch', `Checkout ${checkoutId} belongs to another cart`);
const productNotFound = (sku: string) =>
  new HttpProblem(404, 'product-not-found', 'Product not found', `The catalog has no product with SKU '${sku}'`, { sku });
const productUnavailable = (skus: string[]) =>
  new HttpProblem(422, 'product-unavailable', 'A product is not available', `Not on sale, or not in the cart's currency: ${skus.join(', ')}`, {
    skus,
  });
const unprocessable = (type: string, title: string, detail: string, extensions: Record<string, unknown> = {}) =>
  new HttpProblem(422, type, title, detail, extensions);
const cartEmpty = () => unprocessable('cart-empty', 'The cart is empty', 'There is nothing to check out');
/** A cart is checked out as one order, so it may not total more than one order may. */
const cartTotalTooLarge = (total: number, currency: string, extensions: Record<string, unknown> = {}) =>
  unprocessable(
    'cart-total-too-large',
    'The cart would total more than one order may',
    `The cart would total ${total} minor units of ${currency}; one order may total at most ${MAX_ORDER_TOTAL}`,
    { total, maxTotal: MAX_ORDER_TOTAL, ...extensions },
  );

// ---- reading and pricing -------------------------------------------------

type CartRow = Pick<Cart, 'status' | 'checkoutId' | 'updatedAt'>;
/** An item as stored; `addedAt` in milliseconds since the epoch, for the cart's order (added first, then SKU). */
type ItemRow = Pick<CartItem, 'sku' | 'quantity' | 'name' | 'unitPrice' | 'currency'> & { addedAt: number };
type CheckoutRecord = Pick<CartCheckout, 'checkoutId' | 'customerId' | 'status' | 'snapshot' | 'lockedAt' | 'createdAt' | 'updatedAt'>;

interface CartContents {
  cart: CartRow | null;
  items: ItemRow[];
}
interface CartState extends CartContents {
  /** The record of the checkout asked about, whichever cart it belongs to. */
  record: CheckoutRecord | null;
}

/** Instants as the ORM's connection hands them over: PostgreSQL's text. */
type Instant = string;
/** The ORM's own reading of a timestamptz column's text. */
const toDate = (em: EntityManager, instant: Instant): Date => em.getPlatform().parseDate(instant) as Date;

type CartRowRead = Omit<CartRow, 'updatedAt'> & { updatedAt: Instant };
const toCartRow = (em: EntityManager, row: CartRowRead): CartRow => ({ status: row.status, checkoutId: row.checkoutId, updatedAt: toDate(em, row.updatedAt) });
type OutcomeRead = Omit<CheckoutOutcome, 'updatedAt'> & { updatedAt: Instant };
const toOutcome = (em: EntityManager, row: OutcomeRead): CheckoutOutcome => ({ ...row, updatedAt: toDate(em, row.updatedAt) });

interface StateRow {
  status: Cart['status'] | null;
  checkoutId: string | null;
  updatedAt: Instant | null;
  items: ItemRow[];
  recordCheckoutId: string | null;
  recordCustomerId: string;
  recordStatus: CartCheckout['status'];
  recordSnapshot: StoredSnapshot | null;
  recordLockedAt: Instant | null;
  recordCreatedAt: Instant;
  recordUpdatedAt: Instant;
}

/** The cart, its items in order, and (given `checkoutId`) that checkout's record, in one statement. */
async function readState(em: EntityManager, customerId: string, checkoutId: string | null = null): Promise<CartState> {
  const [row] = await em.execute<StateRow[]>(
    `select c.status, c.checkout_id as "checkoutId", c.updated_at as "updatedAt",
       (select coalesce(json_agg(json_build_object('sku', i.sku, 'quantity', i.quantity, 'name', i.name, 'unitPrice', i.unit_price,
                 'currency', i.currency, 'addedAt', extract(epoch from i.added_at) * 1000) order by i.added_at, i.sku), '[]')
          from cart_items i where i.customer_id = k.customer_id) as items,
       r.checkout_id as "recordCheckoutId", r.customer_id as "recordCustomerId", r.status as "recordStatus", r.snapshot as "recordSnapshot",
       r.locked_at as "recordLockedAt", r.created_at as "recordCreatedAt", r.updated_at as "recordUpdatedAt"
     from (select ?::text as customer_id) k
     left join carts c on c.customer_id = k.customer_id
     left join cart_checkouts r on r.checkout_id = ?`,
    [customerId, checkoutId],
  );
  if (!row) throw new Error('the cart state query answered no row');
  return {
    cart: row.status ? toCartRow(em, { status: row.status, checkoutId: row.checkoutId, updatedAt: row.updatedAt! }) : null,
    items: row.items,
    record: row.recordCheckoutId
      ? {
          checkoutId: row.recordCheckoutId,
          customerId: row.recordCustomerId,
          status: row.recordStatus,
          snapshot: row.recordSnapshot,
          lockedAt: row.recordLockedAt === null ? null : toDate(em, row.recordLockedAt),
          createdAt: toDate(em, row.recordCreatedAt),
          updatedAt: toDate(em, row.recordUpdatedAt),
        }
      : null,
  };
}

/** The cart's currency is its first item's; an empty cart's is the shop's. */
const cartCurrency = (items: ItemRow[]) => items[0]?.currency ?? EMPTY_CART_CURRENCY;

type PricedItem = Schemas['CartItem'];

/**
 * Items at the catalog's prices (`products` given) or at the stored ones (the
 * catalog unreachable). A product the catalog no longer has, has stopped
 * selling, or is priced in another currency than the cart's is not available.
 */
export function priceItems(items: ItemRow[], products: Map<string, CatalogProduct> | undefined): { items: PricedItem[]; total: Schemas['Money'] } {
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
  const contents = await readState(em, customerId);
  if (contents.items.length === 0) return toCartView(customerId, contents, new Map());
  return toCartView(customerId, contents, await currentPrices(catalog, contents.items.map((item) => item.sku)));
}

/** The catalog's products, or undefined while it is unreachable. */
async function currentPrices(catalog: ProductCatalog, skus: string[], known = new Map<string, CatalogProduct>()): Promise<Map<string, CatalogProduct> | undefined> {
  try {
    for (const [sku, product] of await catalog.products(skus)) known.set(sku, product);
    return known;
  } catch (error) {
    if (!(error instanceof CatalogUnavailable)) throw error;
    return undefined;
  }
}

// ---- changing items ------------------------------------------------------

/** Takes the lock of the cart's row for the rest of the transaction, if the cart has one. */
async function lockExistingCart(tx: EntityManager, customerId: string): Promise<CartRow | undefined> {
  const [cart] = await tx.execute<CartRowRead[]>(
    'select status, checkout_id as "checkoutId", updated_at as "updatedAt" from carts where customer_id = ? for update',
    [customerId],
  );
  return cart && toCartRow(tx, cart);
}

/** Creates the cart's row on first use and takes its lock for the rest of the transaction. */
async function lockCartRow(tx: EntityManager, customerId: string): Promise<CartRow> {
  const existing = await lockExistingCart(tx, customerId);
  if (existing) return existing;
  const now = new Date();
  await tx.execute("insert into carts (customer_id, status, created_at, updated_at) values (?, 'open', ?, ?) on conflict (customer_id) do nothing", [
    customerId,
    now,
    now,
  ]);
  const created = await lockExistingCart(tx, customerId);
  if (!created) throw new Error(`the cart of ${customerId} is missing after creating it`);
  return created;
}

function assertOpen(cart: Pick<CartRow, 'status' | 'checkoutId'> | null | undefined): void {
  if (cart?.status === 'checking_out') throw cartLocked(cart.checkoutId);
}

const byAddedThenSku = (a: ItemRow, b: ItemRow) => a.addedAt - b.addedAt || (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0);

/** Sets one item's quantity and answers the cart as it then is, priced by the catalog call made for the item. */
export async function setItemQuantity(orm: MikroORM, catalog: ProductCatalog, customerId: string, sku: string, quantity: number): Promise<CartView> {
  const em = orm.em.fork();
  const seen = await readState(em, customerId);
  // Refuse a locked cart before bothering the catalog; the transaction below checks again under the lock.
  assertOpen(seen.cart);
  // One catalog call prices the product and the rest of the cart for the answer.
  const products = await catalog.products([sku, ...seen.items.filter((item) => item.sku !== sku).map((item) => item.sku)]);
  const product = products.get(sku);
  if (!product) throw productNotFound(sku);
  if (!product.active) throw productUnavailable([sku]);

  const after = await em.transactional(async (tx): Promise<CartContents> => {
    const cart = await lockCartRow(tx, customerId);
    const { items } = await readState(tx, customerId);
    assertOpen(cart);
    const existing = items.find((item) => item.sku === sku);
    const quantityBefore = existing?.quantity ?? 0;
    const stored = { name: product.name, unitPrice: product.price.amount, currency: product.price.currency };
    if (!existing) {
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
    }
    // The other items at the prices last seen for them (locking re-prices them all, and checks again).
    // Fewer units are always fine, so a cart that went over by a price rise can be brought back under.
    const othersTotal = items.filter((item) => item.sku !== sku).reduce((sum, item) => sum + item.unitPrice * item.quantity, 0);
    const total = othersTotal + product.price.amount * quantity;
    if (total > MAX_ORDER_TOTAL && quantity > quantityBefore) {
      const fits = Math.max(0, Math.floor((MAX_ORDER_TOTAL - othersTotal) / product.price.amount));
      throw cartTotalTooLarge(total, product.price.currency, {
        errors: [{ field: 'body.quantity', message: `at most ${fits} of ${sku} fit in one order with the rest of the cart` }],
      });
    }

    const now = new Date();
    const item: ItemRow = { sku, quantity, ...stored, addedAt: existing?.addedAt ?? now.getTime() };
    // The stored price is the fallback while the catalog is down: keep it as fresh as we know it.
    const changed = !existing || (['quantity', 'name', 'unitPrice', 'currency'] as const).some((field) => existing[field] !== item[field]);
    // The cart's updatedAt says when its items last changed: a new item or another quantity, not a refreshed price.
    const cartChanged = quantity !== quantityBefore;
    if (changed) {
      const write = existing
        ? { sql: 'update cart_items set quantity = ?, name = ?, unit_price = ?, currency = ?, updated_at = ? where customer_id = ? and sku = ?', params: [quantity, stored.name, stored.unitPrice, stored.currency, now, customerId, sku] }
        : {
            sql: 'insert into cart_items (id, customer_id, sku, quantity, name, unit_price, currency, added_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
            params: [randomUUID(), customerId, sku, quantity, stored.name, stored.unitPrice, stored.currency, now, now],
          };
      if (cartChanged) await tx.execute(`with item as (${write.sql}) update carts set updated_at = ? where customer_id = ?`, [...write.params, now, customerId]);
      else await tx.execute(write.sql, write.params);
    }
    const otherItems = items.filter((other) => other.sku !== sku);
    return {
      cart: { ...cart, updatedAt: cartChanged ? now : cart.updatedAt },
      items: [...otherItems, item].sort(byAddedThenSku),
    };
  });

  // Items another request added since the catalog was asked are priced now (after the transaction, as always).
  const unpriced = after.items.filter((item) => !products.has(item.sku)).map((item) => item.sku);
  return toCartView(customerId, after, unpriced.length > 0 ? await currentPrices(catalog, unpriced, products) : products);
}

/** Removes one item (`sku`) or every item; removing what is not there is fine. */
export async function removeItems(orm: MikroORM, customerId: string, sku?: string): Promise<void> {
  await orm.em.fork().transactional(async (tx) => {
    // No row, nothing to remove: a never-used cart is not created by emptying it.
    const cart = await lockExistingCart(tx, customerId);
    if (!cart) return;
    assertOpen(cart);
    await tx.execute(
      `with removed as (delete from cart_items where customer_id = ?${sku ? ' and sku = ?' : ''} returning 1)
       update carts set updated_at = ? where customer_id = ? and exists (select from removed)`,
      [customerId, ...(sku ? [sku] : []), new Date(), customerId],
    );
  });
}

// ---- checkout ------------------------------------------------------------

function toSnapshotView(record: CheckoutRecord): CheckoutSnapshotView {
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

type CheckoutOutcome = Pick<CheckoutRecord, 'checkoutId' | 'customerId' | 'status' | 'updatedAt'>;

export function toCheckoutView(record: CheckoutOutcome): CartCheckoutView {
  return { checkoutId: record.checkoutId, customerId: record.customerId, status: record.status, updatedAt: record.updatedAt.toISOString() };
}

/** What a checkout already did decides a repeat: the stored snapshot, or a refusal. */
function answerForRecorded(record: CheckoutRecord, customerId: string): CheckoutSnapshotView {
  if (record.customerId !== customerId) throw checkoutMismatch(record.checkoutId);
  if (record.status === 'released') {
    throw conflict('checkout-released', `Checkout ${record.checkoutId} was released; it cannot lock the cart again`);
  }
  return toSnapshotView(record);
}

const RETRY = Symbol('retry');

export async function lockForCheckout(orm: MikroORM, catalog: ProductCatalog, customerId: string, checkoutId: string): Promise<CheckoutSnapshotView> {
  for (let attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
    const em = orm.em.fork();
    const seen = await readState(em, customerId, checkoutId);
    if (seen.record) return answerForRecorded(seen.record, customerId);
    assertOpen(seen.cart);
    if (seen.items.length === 0) throw cartEmpty();

    const askedFor = new Set(seen.items.map((item) => item.sku));
    const products = await catalog.products([...askedFor]);

    const outcome = await em.transactional(async (tx): Promise<CheckoutSnapshotView | typeof RETRY> => {
      await lockCartRow(tx, customerId);
      const { cart, items: current, record } = await readState(tx, customerId, checkoutId);
      if (record) return answerForRecorded(record, customerId);
      assertOpen(cart);
      if (current.length === 0) throw cartEmpty();
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
      const now = new Date();
      await tx.execute(
        `with record as (
           insert into cart_checkouts (checkout_id, customer_id, status, snapshot, locked_at, created_at, updated_at) values (?, ?, 'locked', ?, ?, ?, ?))
         update carts set status = 'checking_out', checkout_id = ?, updated_at = ? where customer_id = ?`,
        [checkoutId, customerId, JSON.stringify(snapshot), now, now, now, checkoutId, now, customerId],
      );
      return toSnapshotView({ checkoutId, customerId, status: 'locked', snapshot, lockedAt: now, createdAt: now, updatedAt: now });
    }).catch((error: unknown) => {
      // The same checkout id, for another customer's cart, at the same moment: the primary key decides.
      if (error instanceof UniqueConstraintViolationException) throw checkoutMismatch(checkoutId);
      throw error;
    });
    if (outcome !== RETRY) return outcome;
  }
  throw new HttpProblem(503, 'cart-busy', 'The cart keeps changing', 'Items were added while the cart was being priced; try again');
}

const OUTCOME_COLUMNS = 'checkout_id as "checkoutId", customer_id as "customerId", status, updated_at as "updatedAt"';

/**
 * Ends a checkout that holds this customer's cart, in one statement: the
 * cart's row lock first (as every change to the cart takes it), then the
 * checkout's record, only while it is `locked`. Answers nothing when the
 * checkout holds no lock here; the caller then looks at why, under the lock.
 *
 * One statement sees the database as it was when it started, except for the
 * rows it locks or changes, which it sees as they are now. That is enough
 * here: while the record is `locked` the cart is held by it and its items
 * cannot change, so the items this statement sees are the ones bought.
 */
async function endLockedCheckout(em: EntityManager, customerId: string, checkoutId: string, ending: 'completed' | 'released'): Promise<CheckoutOutcome | undefined> {
  const now = new Date();
  const [ended] = await em.execute<OutcomeRead[]>(
    `with cart as (select from carts where customer_id = ? for update),
     ended as (
       update cart_checkouts set status = ?, updated_at = ?
       where checkout_id = ? and customer_id = ? and status = 'locked' and exists (select from cart)
       returning ${OUTCOME_COLUMNS}),
     ${ending === 'completed' ? 'emptied as (delete from cart_items where customer_id = ? and exists (select from ended)),' : ''}
     opened as (
       update carts set status = 'open', checkout_id = null, updated_at = ?
       where customer_id = ? and checkout_id = ? and exists (select from ended))
     select * from ended`,
    [customerId, ending, now, checkoutId, customerId, ...(ending === 'completed' ? [customerId] : []), now, customerId, checkoutId],
  );
  return ended && toOutcome(em, ended);
}

export async function releaseCheckout(orm: MikroORM, customerId: string, checkoutId: string): Promise<CartCheckoutView> {
  const em = orm.em.fork();
  const released = await endLockedCheckout(em, customerId, checkoutId, 'released');
  if (released) return toCheckoutView(released);
  return em.transactional(async (tx) => {
    await lockCartRow(tx, customerId);
    const { record } = await readState(tx, customerId, checkoutId);
    if (record && record.customerId !== customerId) throw checkoutMismatch(checkoutId);
    if (!record) {
      // Released before it ever locked (its lock may still be on the way): remembered, so that lock is refused.
      const now = new Date();
      const [remembered] = await tx.execute<OutcomeRead[]>(
        `insert into cart_checkouts (checkout_id, customer_id, status, snapshot, locked_at, created_at, updated_at)
         values (?, ?, 'released', null, null, ?, ?) returning ${OUTCOME_COLUMNS}`,
        [checkoutId, customerId, now, now],
      );
      return toCheckoutView(toOutcome(tx, remembered!));
    }
    // Locked after the first look (that statement saw the database from before the lock was taken).
    if (record.status === 'locked') return toCheckoutView((await endLockedCheckout(tx, customerId, checkoutId, 'released'))!);
    return toCheckoutView(record);
  });
}

export async function completeCheckout(orm: MikroORM, customerId: string, checkoutId: string): Promise<CartCheckoutView> {
  const em = orm.em.fork();
  const completed = await endLockedCheckout(em, customerId, checkoutId, 'completed');
  if (completed) return toCheckoutView(completed);
  return em.transactional(async (tx) => {
    const cart = await lockCartRow(tx, customerId);
    const { record } = await readState(tx, customerId, checkoutId);
    if (record && record.customerId !== customerId) throw checkoutMismatch(checkoutId);
    if (record?.status === 'completed') return toCheckoutView(record);
    // Locked after the first look (that statement saw the database from before the lock was taken).
    if (record?.status === 'locked') return toCheckoutView((await endLockedCheckout(tx, customerId, checkoutId, 'completed'))!);
    if (cart.status === 'checking_out') throw cartLocked(cart.checkoutId);
    if (record) throw conflict('checkout-released', `Checkout ${checkoutId} was released; there is nothing to complete`);
    throw conflict('checkout-not-locked', `Checkout ${checkoutId} never locked this cart; there is nothing to complete`);
  });
}
