/**
 * The load the benchmark puts on the shop and on the floor, and what it
 * measures of each request: latencies, throughput, failures.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { paths as GatewayPaths } from '../gateway/api.gen';
import { createServiceClient } from '../platform/http-client';
import { createCartClient } from '../services/cart/client';
import { createCatalogClient } from '../services/catalog/client';
import { createInventoryClient } from '../services/inventory/client';
import { createPaymentsClient } from '../services/payments/client';
import { ensureAccount, logInAsAdmin, type Session } from '../scripts/accounts';
import { TEST_CARDS } from '../scripts/demo-data';
import { TASK_QUEUES } from '../temporal.config';
import { checkoutWorkflowId, type CheckoutInput, type CheckoutResult, type ShippingAddress } from '../workflows/messages';
import { FLOOR_TASK_QUEUE } from './floor/task-queue';

export interface PhaseResult {
  count: number;
  concurrency: number;
  failed: number;
  wallSeconds: number;
  /** Completed per second over the phase's wall time. */
  throughput: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** For the gateway: POST /checkouts → 201, beside start → result. */
  answerP50Ms?: number;
  answerP95Ms?: number;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

/** Runs `total` calls of `one`, `concurrency` at a time; each returns its latency (ms) or throws. */
export async function runPhase(
  total: number,
  concurrency: number,
  one: (index: number) => Promise<{ latencyMs: number; answerMs?: number }>,
): Promise<PhaseResult & { errors: string[] }> {
  const latencies: number[] = [];
  const answers: number[] = [];
  const errors: string[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) {
        const index = next++;
        try {
          const { latencyMs, answerMs } = await one(index);
          latencies.push(latencyMs);
          if (answerMs !== undefined) answers.push(answerMs);
        } catch (error) {
          errors.push(error instanceof Error ? error.message : String(error));
        }
      }
    }),
  );
  const wallSeconds = (performance.now() - started) / 1000;
  return {
    count: total,
    concurrency,
    failed: errors.length,
    errors: [...new Set(errors)].slice(0, 5),
    wallSeconds,
    throughput: latencies.length / wallSeconds,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    maxMs: Math.max(...latencies),
    ...(answers.length > 0 ? { answerP50Ms: percentile(answers, 50), answerP95Ms: percentile(answers, 95) } : {}),
  };
}

/** The floor workflow of `steps` no-op activities, start → result. */
export function floorRun(client: Client, steps: number) {
  return async () => {
    const started = performance.now();
    await client.workflow.execute('floorWorkflow', { taskQueue: FLOOR_TASK_QUEUE, workflowId: `floor-${randomUUID()}`, args: [steps], workflowExecutionTimeout: '2 minutes' });
    return { latencyMs: performance.now() - started };
  };
}

const ADDRESS: ShippingAddress = { name: 'Bench Shopper', line1: '1 Loop Street', city: 'Localhost', postalCode: '00000', country: 'US' };
const PRICE = 1000;

export interface Shopper {
  session: Session;
  paymentMethodId: string;
}

export interface ShopFixture {
  sku: string;
  shoppers: Shopper[];
}

/**
 * What the checkouts need: a product on sale with plenty of stock, and shoppers with a
 * tokenised card each, made through the services' APIs as any client would.
 */
export async function prepareShop(urls: Record<string, string>, shopperCount: number, stock: number): Promise<ShopFixture> {
  const env = { ...process.env, ...urls };
  const admin = await logInAsAdmin(env);
  const asAdmin = { headers: { authorization: `Bearer ${admin.accessToken}` } };
  const sku = `BENCH-${Date.now()}`;
  const product = await createCatalogClient(urls.CATALOG_URL!, asAdmin).POST('/products', {
    body: { sku, name: 'Bench item', price: { amount: PRICE, currency: 'USD' }, category: 'accessories' },
  });
  if (!product.data) throw new Error(`adding ${sku} to the catalog failed: ${product.response.status} ${JSON.stringify(product.error)}`);
  const stocked = await createInventoryClient(urls.INVENTORY_URL!, asAdmin).PUT('/stock/{sku}', { params: { path: { sku } }, body: { onHand: stock } });
  if (!stocked.response.ok) throw new Error(`stocking ${sku} failed: ${stocked.response.status}`);
  const shoppers: Shopper[] = [];
  for (let index = 0; index < shopperCount; index += 1) {
    const { session } = await ensureAccount({ email: `bench-${index}@shop.example`, password: 'bench-password-change-me', name: `Bench Shopper ${index}` }, {}, env);
    const payments = createPaymentsClient(urls.PAYMENTS_URL!, { headers: { authorization: `Bearer ${session.accessToken}` } });
    const card = await payments.POST('/payment-methods', {
      body: { card: { number: TEST_CARDS.success, expMonth: 12, expYear: new Date().getUTCFullYear() + 2, cvc: '123' } },
    });
    if (!card.data) throw new Error(`tokenising a card for ${session.user.email} failed: ${card.response.status}`);
    shoppers.push({ session, paymentMethodId: card.data.id });
  }
  return { sku, shoppers };
}

/** A checkout started directly on Temporal with its lines (no cart), start → result. */
export function directCheckout(client: Client, fixture: ShopFixture) {
  return async (index: number) => {
    const shopper = fixture.shoppers[index % fixture.shoppers.length]!;
    const checkoutId = randomUUID();
    const input: CheckoutInput = {
      checkoutId,
      customerId: shopper.session.user.id,
      customerEmail: shopper.session.user.email,
      currency: 'USD',
      lines: [{ sku: fixture.sku, name: 'Bench item', quantity: 1, unitPrice: PRICE }],
      paymentMethodId: shopper.paymentMethodId,
      shippingAddress: ADDRESS,
    };
    const started = performance.now();
    const result = (await client.workflow.execute('checkoutWorkflow', { taskQueue: TASK_QUEUES.checkout, workflowId: checkoutWorkflowId(checkoutId), args: [input] })) as CheckoutResult;
    if (result.status !== 'completed') throw new Error(`checkout ended ${result.status}`);
    return { latencyMs: performance.now() - started };
  };
}

/**
 * The shopper's path through the gateway: put the item in the cart, then POST /checkouts with
 * an Idempotency-Key (update-with-start), answered 201 once paid and ordered; then wait until
 * the workflow has finished (the cart is emptied), so the shopper's next checkout finds it open.
 * Shopper `index % concurrency` runs one checkout at a time.
 */
export function gatewayCheckout(client: Client, fixture: ShopFixture, gatewayUrl: string) {
  const busy = new Set<number>();
  return async (index: number) => {
    let slot = index % fixture.shoppers.length;
    while (busy.has(slot)) slot = (slot + 1) % fixture.shoppers.length;
    busy.add(slot);
    try {
      const shopper = fixture.shoppers[slot]!;
      const auth = { headers: { authorization: `Bearer ${shopper.session.accessToken}` } };
      const customerId = shopper.session.user.id;
      const cart = createCartClient(gatewayUrl, auth);
      const put = await cart.PUT('/carts/{customerId}/items/{sku}', { params: { path: { customerId, sku: fixture.sku } }, body: { quantity: 1 } });
      if (!put.response.ok) throw new Error(`filling the cart: ${put.response.status} ${JSON.stringify(put.error)}`);
      const gateway = createServiceClient<GatewayPaths>(gatewayUrl, auth);
      const started = performance.now();
      const posted = await gateway.POST('/checkouts', {
        params: { header: { 'Idempotency-Key': randomUUID() } },
        body: { paymentMethodId: shopper.paymentMethodId, shippingAddress: ADDRESS },
      });
      const answerMs = performance.now() - started;
      if (posted.response.status !== 201 || !posted.data) throw new Error(`POST /checkouts: ${posted.response.status} ${JSON.stringify(posted.error)}`);
      const result = (await client.workflow.getHandle(checkoutWorkflowId(posted.data.id)).result()) as CheckoutResult;
      if (result.status !== 'completed') throw new Error(`checkout ended ${result.status}`);
      return { latencyMs: performance.now() - started, answerMs };
    } finally {
      busy.delete(slot);
    }
  };
}
