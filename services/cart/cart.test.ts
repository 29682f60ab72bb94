/**
 * The cart against a real catalog: the catalog service runs on an ephemeral
 * port with its own database, seeded through its admin API, and the cart
 * reaches it over HTTP at CATALOG_URL with its service token.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import request from 'supertest';
import type express from 'express';
import { serviceUnderTest, type ServiceUnderTest } from '../../test/support/service';
import { expectToMatchSpec } from '../../test/support/openapi';
import { asAdmin, asCustomer, asService, asSupport } from '../../test/support/auth';
import { catalogService } from '../catalog/main';
import type { components as CatalogComponents } from '../catalog/api.gen';
import type { components } from './api.gen';
import { cartSpec } from './app';
import { cartService } from './main';
import { MAX_CART_QUANTITY } from './domain';
import { MAX_ORDER_TOTAL, MAX_UNIT_PRICE } from '../../platform/limits';

type Cart = components['schemas']['Cart'];
type Snapshot = components['schemas']['CheckoutSnapshot'];
type Product = CatalogComponents['schemas']['Product'];

let catalog: ServiceUnderTest;
let catalogServer: Server;
let cart: ServiceUnderTest;
let adminAuth: string;
let serviceAuth: string;

function listen(app: express.Express): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(server)));
  });
}
const urlOf = (server: { address(): AddressInfo | string | null }) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

beforeAll(async () => {
  catalog = await serviceUnderTest(catalogService);
  catalogServer = await listen(catalog.app);
  cart = await serviceUnderTest(cartService, { env: { CATALOG_URL: urlOf(catalogServer), CATALOG_TIMEOUT_MS: '2000' } });
  adminAuth = await asAdmin();
  serviceAuth = await asService('worker');
});
afterAll(async () => {
  catalogServer.closeAllConnections();
  await new Promise((resolve) => catalogServer.close(resolve));
  await cart.close();
  await catalog.close();
});

const conforms = <T extends request.Response>(res: T): T => {
  expectToMatchSpec(cartSpec, res);
  return res;
};
const as = (auth: string, app: express.Express = cart.app) => request.agent(app).set('authorization', auth);
const newCustomer = () => `customer-${randomUUID()}`;

/** A product, made through the catalog's admin API. */
async function product(overrides: Partial<{ name: string; amount: number; currency: string; active: boolean }> = {}): Promise<Product> {
  const res = await as(adminAuth, catalog.app)
    .post('/products')
    .send({
      sku: `SKU-${randomUUID().slice(0, 13)}`,
      name: overrides.name ?? 'Temporal mug',
      price: { amount: overrides.amount ?? 1250, currency: overrides.currency ?? 'USD' },
      category: 'mugs',
      active: overrides.active ?? true,
    })
    .expect(201);
  return res.body as Product;
}
const catalogAdmin = () => as(adminAuth, catalog.app);

/** A customer with their own token. */
async function customer() {
  const id = newCustomer();
  const auth = await asCustomer(id);
  const api = () => as(auth);
  return {
    id,
    auth,
    get: () => api().get(`/carts/${id}`),
    set: (sku: string, quantity: number) => api().put(`/carts/${id}/items/${sku}`).send({ quantity }),
    remove: (sku: string) => api().delete(`/carts/${id}/items/${sku}`),
    empty: () => api().delete(`/carts/${id}/items`),
    lock: (checkoutId: string) => as(serviceAuth).post(`/carts/${id}/checkout`).send({ checkoutId }),
    release: (checkoutId: string) => as(serviceAuth).post(`/carts/${id}/checkout/${checkoutId}/release`),
    complete: (checkoutId: string) => as(serviceAuth).post(`/carts/${id}/checkout/${checkoutId}/complete`),
  };
}
type Customer = Awaited<ReturnType<typeof customer>>;

async function filled(...items: [Product, number][]): Promise<Customer> {
  const shopper = await customer();
  for (const [item, quantity] of items) conforms(await shopper.set(item.sku, quantity).expect(200));
  return shopper;
}
const checkoutId = () => `checkout-${randomUUID()}`;
const skusIn = (body: Cart | Snapshot) => ('items' in body ? body.items : body.lines).map((item) => item.sku);

describe('the cart', () => {
  it('is empty, not missing, before it is used', async () => {
    const shopper = await customer();
    const res = conforms(await shopper.get().expect(200));
    expect(res.body).toEqual({
      customerId: shopper.id,
      status: 'open',
      items: [],
      total: { amount: 0, currency: 'USD' },
      itemCount: 0,
      pricesCurrent: true,
      updatedAt: null,
    });
  });

  it('holds items at the catalog’s prices, with line totals and a total', async () => {
    const mug = await product({ name: 'Mug', amount: 1250 });
    const shirt = await product({ name: 'Shirt', amount: 1999 });
    const shopper = await customer();
    conforms(await shopper.set(mug.sku, 2).expect(200));
    const res = conforms(await shopper.set(shirt.sku, 1).expect(200));
    expect(res.body).toMatchObject({
      customerId: shopper.id,
      status: 'open',
      items: [
        { sku: mug.sku, name: 'Mug', quantity: 2, unitPrice: { amount: 1250, currency: 'USD' }, lineTotal: { amount: 2500, currency: 'USD' }, available: true },
        { sku: shirt.sku, name: 'Shirt', quantity: 1, unitPrice: { amount: 1999, currency: 'USD' }, lineTotal: { amount: 1999, currency: 'USD' }, available: true },
      ],
      total: { amount: 4499, currency: 'USD' },
      itemCount: 3,
      pricesCurrent: true,
    });
    expect(res.body.updatedAt).toEqual(expect.any(String));
    conforms(await shopper.get().expect(200));
  });

  it('sets the quantity rather than adding to it', async () => {
    const mug = await product();
    const shopper = await filled([mug, 2]);
    const res = conforms(await shopper.set(mug.sku, 5).expect(200));
    expect(res.body.items).toEqual([expect.objectContaining({ sku: mug.sku, quantity: 5 })]);
    const again = conforms(await shopper.set(mug.sku, 5).expect(200));
    expect(again.body).toEqual(res.body);
  });

  it('answers a change with the cart exactly as a read then shows it', async () => {
    const mug = await product({ name: 'Mug', amount: 1000 });
    const shirt = await product({ name: 'Shirt', amount: 2000 });
    const cap = await product({ name: 'Cap', amount: 500 });
    const shopper = await customer();
    for (const [item, quantity] of [[mug, 1], [shirt, 2], [cap, 1], [mug, 3], [shirt, 2]] as const) {
      const res = conforms(await shopper.set(item.sku, quantity).expect(200));
      expect(res.body).toEqual(conforms(await shopper.get().expect(200)).body);
    }
    expect(skusIn(conforms(await shopper.get().expect(200)).body)).toEqual([mug.sku, shirt.sku, cap.sku]);
  });

  it('keeps the stored price fresh on every set, and moves updatedAt only when the items change', async () => {
    const mug = await product({ name: 'Mug', amount: 1000 });
    const shopper = await filled([mug, 2]);
    const before = conforms(await shopper.get().expect(200)).body as Cart;
    await catalogAdmin().patch(`/products/${mug.sku}`).send({ price: { amount: 1500, currency: 'USD' }, name: 'Big mug' }).expect(200);
    const same = conforms(await shopper.set(mug.sku, 2).expect(200));
    expect(same.body).toMatchObject({ updatedAt: before.updatedAt, total: { amount: 3000 } });
    // Without the catalog (nothing listens there) the cart shows what it stored: the price and name last seen.
    const blind = cartService.createApp({ ...cart.context, env: { CATALOG_URL: 'http://127.0.0.1:9', CATALOG_TIMEOUT_MS: '2000' } });
    const stored = conforms(await as(shopper.auth, blind).get(`/carts/${shopper.id}`).expect(200));
    expect(stored.body).toMatchObject({
      pricesCurrent: false,
      updatedAt: before.updatedAt,
      items: [{ sku: mug.sku, name: 'Big mug', quantity: 2, unitPrice: { amount: 1500, currency: 'USD' } }],
    });
    const more = conforms(await shopper.set(mug.sku, 3).expect(200));
    expect(more.body.updatedAt).not.toBe(before.updatedAt);
  });

  it('shows price changes and deactivations as they happen in the catalog', async () => {
    const mug = await product({ amount: 1000 });
    const shirt = await product({ amount: 2000 });
    const shopper = await filled([mug, 1], [shirt, 2]);
    await catalogAdmin().patch(`/products/${mug.sku}`).send({ price: { amount: 1500, currency: 'USD' }, name: 'Big mug' }).expect(200);
    await catalogAdmin().post(`/products/${shirt.sku}/deactivate`).expect(200);
    const res = conforms(await shopper.get().expect(200));
    expect(res.body.items).toEqual([
      expect.objectContaining({ sku: mug.sku, name: 'Big mug', unitPrice: { amount: 1500, currency: 'USD' }, available: true }),
      expect.objectContaining({ sku: shirt.sku, available: false }),
    ]);
    // An item no longer sold is shown but not counted.
    expect(res.body.total).toEqual({ amount: 1500, currency: 'USD' });
    expect(res.body.pricesCurrent).toBe(true);
  });

  it('refuses unknown and inactive products, and other currencies', async () => {
    const shopper = await customer();
    const unknown = conforms(await shopper.set('NO-SUCH-SKU', 1).expect(404));
    expect(unknown.body).toMatchObject({ type: 'product-not-found', sku: 'NO-SUCH-SKU' });
    const retired = await product({ active: false });
    const inactive = conforms(await shopper.set(retired.sku, 1).expect(422));
    expect(inactive.body).toMatchObject({ type: 'product-unavailable', skus: [retired.sku] });

    conforms(await shopper.set((await product({ currency: 'USD' })).sku, 1).expect(200));
    const euro = conforms(await shopper.set((await product({ currency: 'EUR' })).sku, 1).expect(422));
    expect(euro.body).toMatchObject({ type: 'currency-mismatch', cartCurrency: 'USD', productCurrency: 'EUR' });
    expect(conforms(await shopper.get().expect(200)).body.items).toHaveLength(1);
  });

  it('removes items, idempotently, and empties the cart', async () => {
    const mug = await product();
    const shirt = await product();
    const shopper = await filled([mug, 1], [shirt, 1]);
    const removed = conforms(await shopper.remove(mug.sku).expect(200));
    expect(skusIn(removed.body)).toEqual([shirt.sku]);
    const again = conforms(await shopper.remove(mug.sku).expect(200));
    expect(skusIn(again.body)).toEqual([shirt.sku]);
    const emptied = conforms(await shopper.empty().expect(200));
    expect(emptied.body).toMatchObject({ items: [], itemCount: 0, total: { amount: 0 } });
    conforms(await shopper.empty().expect(200));
    // Removing from a cart never used is fine too, and does not create it.
    const stranger = await customer();
    const untouched = conforms(await stranger.remove(mug.sku).expect(200));
    expect(untouched.body.updatedAt).toBeNull();
  });
});

describe('limits and concurrency', () => {
  let products: Product[];
  beforeAll(async () => {
    products = [];
    for (let i = 0; i < 55; i++) products.push(await product({ name: `Sticker ${i}`, amount: 100 + i }));
  });

  it('holds 50 different products at most', async () => {
    const shopper = await customer();
    for (const item of products.slice(0, 50)) await shopper.set(item.sku, 1).expect(200);
    const full = conforms(await shopper.set(products[50]!.sku, 1).expect(422));
    expect(full.body).toMatchObject({ type: 'cart-full', maxItems: 50 });
    // Changing the quantity of an item already there is still fine.
    const changed = conforms(await shopper.set(products[0]!.sku, 3).expect(200));
    expect(changed.body.items).toHaveLength(50);
    expect(changed.body.itemCount).toBe(52);
  });

  it('keeps every item when many are added at once', async () => {
    const shopper = await customer();
    const responses = await Promise.all(products.slice(0, 20).map((item) => shopper.set(item.sku, 2)));
    responses.forEach(conforms);
    expect(responses.map((res) => res.status)).toEqual(Array(20).fill(200));
    // Each answer is the cart as its own change left it, at the catalog's prices, items others added meanwhile included.
    const priceOf = new Map(products.map((item) => [item.sku, item.price.amount]));
    for (const [index, res] of responses.entries()) {
      const body = res.body as Cart;
      expect(skusIn(body)).toContain(products[index]!.sku);
      expect(body.pricesCurrent).toBe(true);
      for (const item of body.items) expect(item).toMatchObject({ available: true, unitPrice: { amount: priceOf.get(item.sku), currency: 'USD' } });
    }
    const after = conforms(await shopper.get().expect(200));
    expect(skusIn(after.body).sort()).toEqual(products.slice(0, 20).map((item) => item.sku).sort());
    expect(after.body.itemCount).toBe(40);
    // The last answer saw every add before it: it is the cart as it is now.
    const last = responses.find((res) => (res.body as Cart).items.length === 20);
    expect(last?.body).toEqual(after.body);
  });

  it('never passes the limit when adds race for the last places', async () => {
    const shopper = await customer();
    for (const item of products.slice(0, 45)) await shopper.set(item.sku, 1).expect(200);
    const responses = await Promise.all(products.slice(45, 55).map((item) => shopper.set(item.sku, 1)));
    responses.forEach(conforms);
    expect(responses.map((res) => res.status).sort()).toEqual([...Array(5).fill(200), ...Array(5).fill(422)]);
    expect(conforms(await shopper.get().expect(200)).body.items).toHaveLength(50);
  });

  it('totals at most what one order may: more is 422 naming body.quantity, and fewer units are always fine', async () => {
    // Each quantity and price is valid on its own; 99 × MAX_UNIT_PRICE is what no order may total.
    const yacht = await product({ name: 'Yacht', amount: MAX_UNIT_PRICE / 2 });
    const dinghy = await product({ name: 'Dinghy', amount: 1 });
    const shopper = await filled([yacht, 2]);
    const over = conforms(await shopper.set(dinghy.sku, 1).expect(422));
    expect(over.body).toMatchObject({
      type: 'cart-total-too-large',
      total: MAX_ORDER_TOTAL + 1,
      maxTotal: MAX_ORDER_TOTAL,
      errors: [{ field: 'body.quantity', message: expect.stringContaining(`at most 0 of ${dinghy.sku}`) }],
    });
    const more = conforms(await shopper.set(yacht.sku, MAX_CART_QUANTITY).expect(422));
    expect(more.body.type).toBe('cart-total-too-large');
    expect(conforms(await shopper.get().expect(200)).body).toMatchObject({ itemCount: 2, total: { amount: MAX_ORDER_TOTAL } });

    // A price rise takes the cart over: it still reads, cannot be checked out, and comes back under by fewer units.
    await catalogAdmin().patch(`/products/${yacht.sku}`).send({ price: { amount: MAX_UNIT_PRICE, currency: 'USD' } }).expect(200);
    expect(conforms(await shopper.get().expect(200)).body.total).toEqual({ amount: 2 * MAX_UNIT_PRICE, currency: 'USD' });
    const locked = conforms(await shopper.lock(checkoutId()).expect(422));
    expect(locked.body).toMatchObject({ type: 'cart-total-too-large', total: 2 * MAX_UNIT_PRICE, maxTotal: MAX_ORDER_TOTAL });
    expect(conforms(await shopper.get().expect(200)).body.status).toBe('open');
    conforms(await shopper.set(yacht.sku, 1).expect(200));
    conforms(await shopper.lock(checkoutId()).expect(200));
  });
});

describe('checkout', () => {
  it('locks the cart and answers the snapshot to charge, at current prices', async () => {
    const mug = await product({ name: 'Mug', amount: 1250 });
    const shirt = await product({ name: 'Shirt', amount: 1999 });
    const shopper = await filled([mug, 2], [shirt, 1]);
    await catalogAdmin().patch(`/products/${mug.sku}`).send({ price: { amount: 1300, currency: 'USD' } }).expect(200);
    const id = checkoutId();
    const locked = conforms(await shopper.lock(id).expect(200));
    expect(locked.body).toEqual({
      checkoutId: id,
      customerId: shopper.id,
      status: 'locked',
      currency: 'USD',
      lines: [
        { sku: mug.sku, name: 'Mug', quantity: 2, unitPrice: 1300 },
        { sku: shirt.sku, name: 'Shirt', quantity: 1, unitPrice: 1999 },
      ],
      total: { amount: 4599, currency: 'USD' },
      lockedAt: expect.any(String),
    });
    const view = conforms(await shopper.get().expect(200));
    expect(view.body).toMatchObject({ status: 'checking_out', checkoutId: id });
  });

  it('answers a repeated lock with the same snapshot, even after prices changed', async () => {
    const mug = await product({ amount: 1000 });
    const shopper = await filled([mug, 1]);
    const id = checkoutId();
    const first = conforms(await shopper.lock(id).expect(200));
    await catalogAdmin().patch(`/products/${mug.sku}`).send({ price: { amount: 5000, currency: 'USD' } }).expect(200);
    const repeat = conforms(await shopper.lock(id).expect(200));
    expect(repeat.body).toEqual(first.body);
    const concurrent = await Promise.all(Array.from({ length: 4 }, () => shopper.lock(id)));
    for (const res of concurrent) expect(conforms(res).body).toEqual(first.body);
  });

  it('keeps the items still while locked, and names the checkout holding them', async () => {
    const mug = await product();
    const shopper = await filled([mug, 1]);
    const id = checkoutId();
    conforms(await shopper.lock(id).expect(200));
    for (const res of [
      await shopper.set(mug.sku, 2),
      await shopper.set((await product()).sku, 1),
      await shopper.remove(mug.sku),
      await shopper.empty(),
      await as(adminAuth).put(`/carts/${shopper.id}/items/${mug.sku}`).send({ quantity: 3 }),
    ]) {
      conforms(res);
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ type: 'cart-locked', checkoutId: id });
    }
    const other = conforms(await shopper.lock(checkoutId()).expect(409));
    expect(other.body).toMatchObject({ type: 'cart-locked', checkoutId: id });
    expect(conforms(await shopper.get().expect(200)).body.items).toEqual([expect.objectContaining({ sku: mug.sku, quantity: 1 })]);
  });

  it('unlocks on release, idempotently, and never lets that checkout lock again', async () => {
    const mug = await product();
    const shopper = await filled([mug, 1]);
    const id = checkoutId();
    conforms(await shopper.lock(id).expect(200));
    const released = conforms(await shopper.release(id).expect(200));
    expect(released.body).toMatchObject({ checkoutId: id, customerId: shopper.id, status: 'released' });
    conforms(await shopper.release(id).expect(200));
    expect(conforms(await shopper.get().expect(200)).body).toMatchObject({ status: 'open', items: [expect.objectContaining({ sku: mug.sku })] });
    expect(conforms(await shopper.get()).body).not.toHaveProperty('checkoutId');

    const late = conforms(await shopper.lock(id).expect(409));
    expect(late.body.type).toBe('checkout-released');
    conforms(await shopper.set(mug.sku, 4).expect(200));
    // A new checkout may take the cart.
    conforms(await shopper.lock(checkoutId()).expect(200));
  });

  it('remembers a release that came before its lock, and refuses the late lock', async () => {
    const shopper = await filled([await product(), 1]);
    const id = checkoutId();
    const early = conforms(await shopper.release(id).expect(200));
    expect(early.body.status).toBe('released');
    const late = conforms(await shopper.lock(id).expect(409));
    expect(late.body.type).toBe('checkout-released');
    expect(conforms(await shopper.get().expect(200)).body.status).toBe('open');
  });

  it('never unlocks another checkout’s lock', async () => {
    const shopper = await filled([await product(), 1]);
    const holder = checkoutId();
    conforms(await shopper.lock(holder).expect(200));
    conforms(await shopper.release(checkoutId()).expect(200));
    expect(conforms(await shopper.get().expect(200)).body).toMatchObject({ status: 'checking_out', checkoutId: holder });
  });

  it('empties and unlocks the cart on completion, once', async () => {
    const mug = await product();
    const shopper = await filled([mug, 3]);
    const id = checkoutId();
    conforms(await shopper.lock(id).expect(200));
    const done = conforms(await shopper.complete(id).expect(200));
    expect(done.body).toMatchObject({ checkoutId: id, status: 'completed' });
    expect(conforms(await shopper.get().expect(200)).body).toMatchObject({ status: 'open', items: [], itemCount: 0 });

    // The customer shops on; a late repeat of the completion must not empty the new cart.
    conforms(await shopper.set(mug.sku, 1).expect(200));
    const repeat = conforms(await shopper.complete(id).expect(200));
    expect(repeat.body.status).toBe('completed');
    const release = conforms(await shopper.release(id).expect(200));
    expect(release.body.status).toBe('completed');
    expect(conforms(await shopper.get().expect(200)).body.items).toHaveLength(1);
    // A repeated lock answers what was bought, without locking again.
    const relock = conforms(await shopper.lock(id).expect(200));
    expect(relock.body).toMatchObject({ status: 'completed', lines: [{ sku: mug.sku, quantity: 3 }] });
    expect(conforms(await shopper.get().expect(200)).body.status).toBe('open');
  });

  it('refuses to complete a checkout that does not hold the lock', async () => {
    const shopper = await filled([await product(), 1]);
    const never = conforms(await shopper.complete(checkoutId()).expect(409));
    expect(never.body.type).toBe('checkout-not-locked');
    const holder = checkoutId();
    conforms(await shopper.lock(holder).expect(200));
    const other = conforms(await shopper.complete(checkoutId()).expect(409));
    expect(other.body).toMatchObject({ type: 'cart-locked', checkoutId: holder });
    conforms(await shopper.release(holder).expect(200));
    const released = conforms(await shopper.complete(holder).expect(409));
    expect(released.body.type).toBe('checkout-released');
    expect(conforms(await shopper.get().expect(200)).body.items).toHaveLength(1);
  });

  it('refuses an empty cart, and items no longer sold, without locking', async () => {
    const empty = await customer();
    const res = conforms(await empty.lock(checkoutId()).expect(422));
    expect(res.body.type).toBe('cart-empty');

    const mug = await product();
    const shirt = await product();
    const shopper = await filled([mug, 1], [shirt, 1]);
    await catalogAdmin().post(`/products/${shirt.sku}/deactivate`).expect(200);
    const unavailable = conforms(await shopper.lock(checkoutId()).expect(422));
    expect(unavailable.body).toMatchObject({ type: 'product-unavailable', skus: [shirt.sku] });
    expect(conforms(await shopper.get().expect(200)).body.status).toBe('open');
    conforms(await shopper.remove(shirt.sku).expect(200));
    conforms(await shopper.lock(checkoutId()).expect(200));
  });

  it('refuses items the catalog re-priced in another currency', async () => {
    const mug = await product({ currency: 'USD' });
    const shirt = await product({ currency: 'USD' });
    const shopper = await filled([mug, 1], [shirt, 1]);
    await catalogAdmin().patch(`/products/${shirt.sku}`).send({ price: { amount: 1000, currency: 'EUR' } }).expect(200);
    const view = conforms(await shopper.get().expect(200));
    expect(view.body.items[1]).toMatchObject({ sku: shirt.sku, available: false, unitPrice: { currency: 'EUR' } });
    const res = conforms(await shopper.lock(checkoutId()).expect(422));
    expect(res.body).toMatchObject({ type: 'product-unavailable', skus: [shirt.sku] });
  });

  it('keeps a checkout id to one cart', async () => {
    const id = checkoutId();
    const first = await filled([await product(), 1]);
    const second = await filled([await product(), 1]);
    conforms(await first.lock(id).expect(200));
    for (const res of [await second.lock(id), await second.release(id), await second.complete(id)]) {
      conforms(res);
      expect(res.status).toBe(409);
      expect(res.body.type).toBe('checkout-mismatch');
    }
  });

  it('keeps a checkout id to one cart when two carts lock with it at once', async () => {
    const id = checkoutId();
    const first = await filled([await product(), 1]);
    const second = await filled([await product(), 1]);
    const [a, b] = await Promise.all([first.lock(id), second.lock(id)]);
    conforms(a);
    conforms(b);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const [winner, loser] = a.status === 200 ? [first, second] : [second, first];
    expect((a.status === 409 ? a : b).body.type).toBe('checkout-mismatch');
    expect(conforms(await winner.get().expect(200)).body).toMatchObject({ status: 'checking_out', checkoutId: id });
    expect(conforms(await loser.get().expect(200)).body.status).toBe('open');
  });

  it('answers repeated completions and releases alike, however many arrive at once', async () => {
    const mug = await product();
    const buyer = await filled([mug, 2]);
    const bought = checkoutId();
    conforms(await buyer.lock(bought).expect(200));
    const completions = await Promise.all(Array.from({ length: 4 }, () => buyer.complete(bought)));
    for (const res of completions) expect(conforms(res).status).toBe(200);
    expect(completions[0]!.body).toMatchObject({ checkoutId: bought, customerId: buyer.id, status: 'completed' });
    for (const res of completions) expect(res.body).toEqual(completions[0]!.body);
    expect(conforms(await buyer.complete(bought).expect(200)).body).toEqual(completions[0]!.body);
    expect(conforms(await buyer.get().expect(200)).body).toMatchObject({ status: 'open', items: [] });

    const browser = await filled([mug, 1]);
    const abandoned = checkoutId();
    conforms(await browser.lock(abandoned).expect(200));
    const releases = await Promise.all(Array.from({ length: 4 }, () => browser.release(abandoned)));
    for (const res of releases) expect(conforms(res).status).toBe(200);
    expect(releases[0]!.body).toMatchObject({ checkoutId: abandoned, status: 'released' });
    for (const res of releases) expect(res.body).toEqual(releases[0]!.body);
    expect(conforms(await browser.release(abandoned).expect(200)).body).toEqual(releases[0]!.body);
    expect(conforms(await browser.get().expect(200)).body).toMatchObject({ status: 'open', items: [expect.objectContaining({ sku: mug.sku })] });
  });

  it('ends a checkout once when its completion and its release race', async () => {
    const mug = await product();
    for (let round = 0; round < 6; round++) {
      const shopper = await filled([mug, 1]);
      const id = checkoutId();
      conforms(await shopper.lock(id).expect(200));
      const [complete, release] = await Promise.all([shopper.complete(id), shopper.release(id)]);
      conforms(complete);
      conforms(release);
      const view = conforms(await shopper.get().expect(200)).body as Cart;
      expect(view.status).toBe('open');
      if (complete.status === 200) {
        // Completed first: the release answers what happened, and the bought items are gone.
        expect(release.status).toBe(200);
        expect(release.body.status).toBe('completed');
        expect(view.items).toEqual([]);
      } else {
        expect(complete.status).toBe(409);
        expect(complete.body.type).toBe('checkout-released');
        expect(release.body.status).toBe('released');
        expect(view.items).toHaveLength(1);
      }
    }
  });

  it('refuses a lock that loses the race to its own release, and completes one that wins the race to its completion', async () => {
    for (let round = 0; round < 6; round++) {
      const shopper = await filled([await product(), 1]);
      const id = checkoutId();
      const [lock, release] = await Promise.all([shopper.lock(id), shopper.release(id)]);
      conforms(lock);
      expect(conforms(release).status).toBe(200);
      expect(release.body.status).toBe('released');
      // Whichever came first, the checkout ends released and the cart open.
      expect([200, 409]).toContain(lock.status);
      if (lock.status === 409) expect(lock.body.type).toBe('checkout-released');
      expect(conforms(await shopper.get().expect(200)).body.status).toBe('open');
      expect(conforms(await shopper.lock(id).expect(409)).body.type).toBe('checkout-released');

      const next = checkoutId();
      const [locked, completed] = await Promise.all([shopper.lock(next), shopper.complete(next)]);
      expect(conforms(locked).status).toBe(200);
      conforms(completed);
      const view = conforms(await shopper.get().expect(200)).body as Cart;
      if (completed.status === 200) {
        expect(completed.body.status).toBe('completed');
        expect(view).toMatchObject({ status: 'open', items: [] });
      } else {
        // The completion came before the lock: nothing to complete yet, and the lock holds.
        expect(completed.body.type).toBe('checkout-not-locked');
        expect(view).toMatchObject({ status: 'checking_out', checkoutId: next });
        conforms(await shopper.complete(next).expect(200));
      }
    }
  });

  it('either prices an item added during the lock or refuses the add, never loses it', async () => {
    const first = await product();
    const extras = await Promise.all(Array.from({ length: 12 }, () => product()));
    let inSnapshot = 0;
    let refused = 0;
    for (const [round, extra] of extras.entries()) {
      const shopper = await filled([first, 1]);
      const id = checkoutId();
      // The add leaves later and later, so it lands before, during and after the lock's pricing.
      const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      const [lock, add] = await Promise.all([shopper.lock(id), delay(round * 3).then(() => shopper.set(extra.sku, 1))]);
      conforms(lock);
      conforms(add);
      expect(lock.status).toBe(200);
      const snapshotSkus = skusIn(lock.body);
      if (add.status === 200) {
        inSnapshot++;
        expect(snapshotSkus).toEqual([first.sku, extra.sku]);
      } else {
        refused++;
        expect(add.status).toBe(409);
        expect(add.body).toMatchObject({ type: 'cart-locked', checkoutId: id });
        expect(snapshotSkus).toEqual([first.sku]);
      }
      // Completing buys exactly what the snapshot said: nothing is left behind unseen.
      conforms(await shopper.complete(id).expect(200));
      expect(conforms(await shopper.get().expect(200)).body.items).toEqual([]);
    }
    expect(inSnapshot + refused).toBe(extras.length);
  });
});

describe('authorization', () => {
  it('asks for a token on every route', async () => {
    const id = newCustomer();
    for (const call of [
      request(cart.app).get(`/carts/${id}`),
      request(cart.app).put(`/carts/${id}/items/MUG`).send({ quantity: 1 }),
      request(cart.app).delete(`/carts/${id}/items/MUG`),
      request(cart.app).delete(`/carts/${id}/items`),
      request(cart.app).post(`/carts/${id}/checkout`).send({ checkoutId: 'c-1' }),
      request(cart.app).post(`/carts/${id}/checkout/c-1/release`),
      request(cart.app).post(`/carts/${id}/checkout/c-1/complete`),
    ]) {
      const res = conforms(await call.expect(401));
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('keeps customers out of each other’s carts', async () => {
    const mug = await product();
    const owner = await filled([mug, 1]);
    const intruder = await asCustomer(newCustomer());
    for (const call of [
      as(intruder).get(`/carts/${owner.id}`),
      as(intruder).put(`/carts/${owner.id}/items/${mug.sku}`).send({ quantity: 5 }),
      as(intruder).delete(`/carts/${owner.id}/items/${mug.sku}`),
      as(intruder).delete(`/carts/${owner.id}/items`),
    ]) {
      conforms(await call.expect(403));
    }
    expect(conforms(await owner.get().expect(200)).body.items).toEqual([expect.objectContaining({ quantity: 1 })]);
  });

  it('lets support and services read carts but not change the items', async () => {
    const mug = await product();
    const owner = await filled([mug, 1]);
    for (const auth of [await asSupport(), serviceAuth]) {
      const res = conforms(await as(auth).get(`/carts/${owner.id}`).expect(200));
      expect(skusIn(res.body)).toEqual([mug.sku]);
      conforms(await as(auth).put(`/carts/${owner.id}/items/${mug.sku}`).send({ quantity: 2 }).expect(403));
      conforms(await as(auth).delete(`/carts/${owner.id}/items/${mug.sku}`).expect(403));
      conforms(await as(auth).delete(`/carts/${owner.id}/items`).expect(403));
    }
  });

  it('lets admins change any cart', async () => {
    const mug = await product();
    const owner = await customer();
    const res = conforms(await as(adminAuth).put(`/carts/${owner.id}/items/${mug.sku}`).send({ quantity: 2 }).expect(200));
    expect(res.body.items).toEqual([expect.objectContaining({ sku: mug.sku, quantity: 2 })]);
  });

  it('keeps locking, releasing and completing to the checkout (services) and admins', async () => {
    const owner = await filled([await product(), 1]);
    const id = checkoutId();
    for (const auth of [owner.auth, await asSupport()]) {
      conforms(await as(auth).post(`/carts/${owner.id}/checkout`).send({ checkoutId: id }).expect(403));
      conforms(await as(auth).post(`/carts/${owner.id}/checkout/${id}/release`).expect(403));
      conforms(await as(auth).post(`/carts/${owner.id}/checkout/${id}/complete`).expect(403));
    }
    expect(conforms(await owner.get().expect(200)).body.status).toBe('open');
    conforms(await as(adminAuth).post(`/carts/${owner.id}/checkout`).send({ checkoutId: id }).expect(200));
    conforms(await as(adminAuth).post(`/carts/${owner.id}/checkout/${id}/release`).expect(200));
  });
});

describe('bad input', () => {
  it.each<[string, unknown, string]>([
    ['a zero quantity', { quantity: 0 }, 'body.quantity'],
    ['a quantity over 99', { quantity: 100 }, 'body.quantity'],
    ['a fractional quantity', { quantity: 1.5 }, 'body.quantity'],
    ['a quantity as a string', { quantity: '2' }, 'body.quantity'],
    ['no quantity', {}, 'body.quantity'],
    ['an unknown field', { quantity: 1, colour: 'red' }, 'body.colour'],
    ['a body that is no object', [1], 'body'],
  ])('names the field for %s', async (_case, body, field) => {
    const shopper = await customer();
    const res = conforms(await as(shopper.auth).put(`/carts/${shopper.id}/items/MUG`).send(body as object).expect(400));
    expect(res.body.type).toBe('validation-failed');
    expect(res.body.errors.map((error: { field: string }) => error.field)).toContain(field);
  });

  it('refuses bad ids in the path', async () => {
    const shopper = await customer();
    const sku = conforms(await as(shopper.auth).put(`/carts/${shopper.id}/items/bad%20sku`).send({ quantity: 1 }).expect(400));
    expect(sku.body.errors[0].field).toBe('params.sku');
    const customerId = conforms(await as(adminAuth).get('/carts/bad%20id').expect(400));
    expect(customerId.body.errors[0].field).toBe('params.customerId');
    const checkout = conforms(await as(serviceAuth).post(`/carts/${shopper.id}/checkout/bad%20id/release`).expect(400));
    expect(checkout.body.errors[0].field).toBe('params.checkoutId');
  });

  it.each<[string, unknown, string]>([
    ['no checkout id', {}, 'body.checkoutId'],
    ['a bad checkout id', { checkoutId: 'has spaces' }, 'body.checkoutId'],
    ['an unknown field', { checkoutId: 'c-1', lines: [] }, 'body.lines'],
  ])('refuses a lock with %s', async (_case, body, field) => {
    const res = conforms(await as(serviceAuth).post(`/carts/${newCustomer()}/checkout`).send(body as object).expect(400));
    expect(res.body.errors.map((error: { field: string }) => error.field)).toContain(field);
  });

  it('refuses an oversized body with 413, and malformed JSON with 400', async () => {
    const shopper = await customer();
    const big = conforms(await as(shopper.auth).put(`/carts/${shopper.id}/items/MUG`).send({ quantity: 1, note: 'x'.repeat(70_000) }).expect(413));
    expect(big.body.type).toBe('body-too-large');
    const malformed = conforms(
      await as(shopper.auth).put(`/carts/${shopper.id}/items/MUG`).set('Content-Type', 'application/json').send('{"quantity":').expect(400),
    );
    expect(malformed.body.type).toBe('malformed-json');
  });
});

describe('when the catalog is slow', () => {
  it('answers from stored prices after its timeout, and refuses adds with 503', async () => {
    const mug = await product({ name: 'Mug', amount: 1250 });
    const shopper = await filled([mug, 2]);
    // A catalog that accepts connections and never answers.
    const sockets = new Set<Socket>();
    const hanging = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    try {
      const slowCart = cartService.createApp({ ...cart.context, env: { CATALOG_URL: urlOf(hanging), CATALOG_TIMEOUT_MS: '300' } });
      // The catalog never answers: an answer at all means the cart gave up on it.
      const view = conforms(await as(shopper.auth, slowCart).get(`/carts/${shopper.id}`).expect(200));
      expect(view.body).toMatchObject({ pricesCurrent: false, total: { amount: 2500, currency: 'USD' } });
      const add = conforms(await as(shopper.auth, slowCart).put(`/carts/${shopper.id}/items/${mug.sku}`).send({ quantity: 3 }).expect(503));
      expect(add.body.type).toBe('catalog-unavailable');
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => hanging.close(resolve));
    }
  });
});

// Last: this stops the catalog for good.
describe('when the catalog is down', () => {
  it('keeps answering with stored prices, refuses adds and locks with 503, and still removes, releases and completes', async () => {
    const mug = await product({ name: 'Mug', amount: 1250 });
    const shirt = await product({ name: 'Shirt', amount: 1999 });
    const shopper = await filled([mug, 2], [shirt, 1]);
    const locked = await filled([mug, 1]);
    const lockId = checkoutId();
    conforms(await locked.lock(lockId).expect(200));
    // Changed in the catalog but never seen by the cart: the stored price is what it knows.
    await catalogAdmin().patch(`/products/${mug.sku}`).send({ price: { amount: 9999, currency: 'USD' } }).expect(200);

    catalogServer.closeAllConnections();
    await new Promise((resolve) => catalogServer.close(resolve));

    const view = conforms(await shopper.get().expect(200));
    expect(view.body).toMatchObject({
      pricesCurrent: false,
      items: [
        { sku: mug.sku, name: 'Mug', quantity: 2, unitPrice: { amount: 1250, currency: 'USD' }, available: true },
        { sku: shirt.sku, name: 'Shirt', quantity: 1, unitPrice: { amount: 1999, currency: 'USD' }, available: true },
      ],
      total: { amount: 4499, currency: 'USD' },
    });

    for (const res of [await shopper.set(mug.sku, 3), await shopper.set('ANY-SKU', 1), await shopper.lock(checkoutId())]) {
      conforms(res);
      expect(res.status).toBe(503);
      expect(res.body.type).toBe('catalog-unavailable');
    }
    // The lock already taken still answers its stored snapshot.
    conforms(await locked.lock(lockId).expect(200));

    const removed = conforms(await shopper.remove(shirt.sku).expect(200));
    expect(removed.body).toMatchObject({ pricesCurrent: false, items: [expect.objectContaining({ sku: mug.sku, quantity: 2 })] });
    conforms(await locked.complete(lockId).expect(200));
    expect(conforms(await locked.get().expect(200)).body).toMatchObject({ items: [], pricesCurrent: true });
  });
});
