/**
 * Every service can run as several instances at once: two instances of one
 * service on one database, started together and called over real HTTP, must
 * behave as one (no in-process state that matters between requests).
 */
import { randomUUID } from 'node:crypto';
import { startService, type RunningService, type ServiceDefinition } from '../../platform/service-main';
import { inventoryService } from '../../services/inventory/main';
import { ordersService } from '../../services/orders/main';
import { paymentsService } from '../../services/payments/main';
import { catalogService } from '../../services/catalog/main';
import { cartService } from '../../services/cart/main';
import { asAdmin, asCustomer, asService, signTestToken, testTokenVerifier } from '../support/auth';
import { createTestDatabase } from '../support/database';
import { startTestPaymentProvider } from '../support/payment-provider';

jest.setTimeout(60_000);

interface Pair {
  a: RunningService;
  b: RunningService;
  /** Alternates between the two instances. */
  at(i: number): string;
}

const running: RunningService[] = [];

async function twoInstances(definition: ServiceDefinition, extraEnv: Record<string, string> = {}): Promise<Pair> {
  const databaseUrl = await createTestDatabase(`instances_${definition.name}`);
  const env = { [`${definition.name.toUpperCase()}_DATABASE_URL`]: databaseUrl, PORT: '0', HOST: '127.0.0.1', ...extraEnv };
  const overrides = { auth: testTokenVerifier, serviceToken: () => signTestToken(`service:${definition.name}`, ['service']) };
  // Started at once: the second waits for the first's migrations instead of running them again.
  const [a, b] = await Promise.all([startService(definition, env, overrides), startService(definition, env, overrides)]);
  running.push(a, b);
  return { a, b, at: (i) => (i % 2 === 0 ? a.url : b.url) };
}

/** Other things a test started, stopped after the services. */
const stops: (() => Promise<void>)[] = [];

afterAll(async () => {
  await Promise.all(running.map((service) => service.stop()));
  await Promise.all(stops.map((stop) => stop()));
});

let auth: string;
beforeAll(async () => {
  auth = await asService('worker');
});

async function call(url: string, method: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method,
    headers: { authorization: auth, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('two instances on one database', () => {
  it('inventory: reservations racing through both instances never oversell', async () => {
    const { a, at } = await twoInstances(inventoryService);
    const sku = `RACE-${randomUUID().slice(0, 8)}`.toUpperCase();
    expect((await call(`${a.url}/stock/${sku}`, 'PUT', { onHand: 10 })).status).toBe(200);

    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => call(`${at(i)}/reservations/race-${sku}-${i}`, 'PUT', { lines: [{ sku, quantity: 1 }] })),
    );
    expect(results.filter((result) => result.status === 201)).toHaveLength(10);
    expect(results.filter((result) => result.status === 409).every((result) => result.body.type === 'out-of-stock')).toBe(true);
    expect(results.filter((result) => result.status !== 201 && result.status !== 409)).toEqual([]);
    for (const url of [at(0), at(1)]) {
      expect((await call(`${url}/stock/${sku}`, 'GET')).body).toMatchObject({ onHand: 10, reserved: 10, available: 0 });
    }
  });

  it('orders: the same order created through both at once exists once', async () => {
    const { at } = await twoInstances(ordersService);
    const id = randomUUID();
    const order = {
      checkoutId: `checkout-${id}`,
      customerId: 'customer-1',
      customerEmail: 'ada@example.com',
      currency: 'USD',
      lines: [{ sku: 'MUG-TEMPORAL', name: 'Temporal mug', quantity: 1, unitPrice: 1250 }],
      total: 1250,
      shippingAddress: { name: 'Ada', line1: '1 Way', city: 'London', postalCode: 'N1', country: 'GB' },
      chargeId: `ch_${id}`,
    };
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => call(`${at(i)}/orders/${id}`, 'PUT', order)));
    expect(results.map((result) => result.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    const list = await call(`${at(1)}/orders?customerId=customer-1`, 'GET');
    expect(list.body.total).toBe(1);
  });

  it('payments: one idempotency key through both at once charges once', async () => {
    const provider = await startTestPaymentProvider();
    stops.push(() => provider.stop());
    const { at } = await twoInstances(paymentsService, provider.env);
    const method = await call(`${at(0)}/payment-methods`, 'POST', {
      card: { number: '4242424242424242', expMonth: 12, expYear: new Date().getUTCFullYear() + 1, cvc: '123' },
      customerId: 'customer-1',
    });
    expect(method.status).toBe(201);
    const reference = `checkout-${randomUUID()}`;
    const charge = { reference, customerId: 'customer-1', amount: { amount: 2500, currency: 'USD' }, paymentMethodId: method.body.id };
    const key = randomUUID();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => call(`${at(i)}/charges`, 'POST', charge, { 'idempotency-key': key })));
    expect(results.every((result) => result.status === 201)).toBe(true);
    expect(new Set(results.map((result) => result.body.id)).size).toBe(1);
    const charges = await call(`${at(1)}/charges?reference=${reference}`, 'GET');
    expect(charges.body.total).toBe(1);
    expect(await provider.chargesFor(reference)).toHaveLength(1);
  });

  it('catalog and cart: a product created through both at once exists once; adds through both all land in one cart', async () => {
    const catalog = await twoInstances(catalogService);
    const admin = await asAdmin();
    const sku = `TWIN-${randomUUID().slice(0, 8)}`.toUpperCase();
    const product = { sku, name: 'Twin', price: { amount: 500, currency: 'USD' }, category: 'test' };
    const created = await Promise.all(Array.from({ length: 6 }, (_, i) => call(`${catalog.at(i)}/products`, 'POST', product, { authorization: admin })));
    expect(created.map((result) => result.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    const skus = Array.from({ length: 8 }, (_, i) => `${sku}-${i}`);
    for (const each of skus) expect((await call(`${catalog.at(0)}/products`, 'POST', { ...product, sku: each }, { authorization: admin })).status).toBe(201);

    const cart = await twoInstances(cartService, { CATALOG_URL: catalog.a.url });
    const customer = `customer-${randomUUID()}`;
    const asOwner = { authorization: await asCustomer(customer) };
    const added = await Promise.all(skus.map((each, i) => call(`${cart.at(i)}/carts/${customer}/items/${each}`, 'PUT', { quantity: 1 }, asOwner)));
    expect(added.every((result) => result.status === 200)).toBe(true);
    for (const url of [cart.at(0), cart.at(1)]) {
      const seen = await call(`${url}/carts/${customer}`, 'GET', undefined, asOwner);
      expect(seen.body).toMatchObject({ itemCount: 8, total: { amount: 4000, currency: 'USD' } });
    }
  });
});
