/**
 * npm run demo: a shopper's whole journey through the gateway of a running
 * `npm start`, printed step by step. Sign up, browse, fill the cart, pay,
 * follow the order; then a declined card, which ends with nothing charged and
 * the cart unlocked again.
 */
import { randomUUID } from 'node:crypto';
import { createServiceClient } from '../platform/http-client';
import { createCartClient } from '../services/cart/client';
import { createCatalogClient } from '../services/catalog/client';
import { createNotificationsClient } from '../services/notifications/client';
import { createOrdersClient } from '../services/orders/client';
import { createPaymentsClient } from '../services/payments/client';
import { createUsersClient } from '../services/users/client';
import type { paths as GatewayPaths } from '../gateway/api.gen';
import { temporalConnectionConfig } from '../temporal.config';
import { checkoutWorkflowId } from '../workflows/messages';
import { TEST_CARDS } from './demo-data';

const gatewayUrl = process.env.GATEWAY_URL || `http://127.0.0.1:${process.env.GATEWAY_PORT || 8080}`;
const uiUrl = process.env.TEMPORAL_UI_URL || `http://127.0.0.1:${temporalConnectionConfig().uiPort}`;
const namespace = temporalConnectionConfig().namespace;

let stepNumber = 0;
function step(title: string): void {
  stepNumber += 1;
  console.log(`\n${stepNumber}. ${title}`);
}
function show(line: string): void {
  console.log(`   ${line}`);
}
const money = (amount: number, currency: string) => `${(amount / 100).toFixed(2)} ${currency}`;

function must<T>(what: string, result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined) throw new Error(`${what} failed: ${result.response.status} ${JSON.stringify(result.error)}`);
  return result.data;
}

async function main(): Promise<void> {
  console.log(`The shop's gateway: ${gatewayUrl}`);
  const anonymous = { timeoutMs: 30_000 };

  step('Sign up and log in');
  const email = `shopper-${randomUUID().slice(0, 8)}@example.com`;
  const password = 'correct horse battery staple';
  const users = createUsersClient(gatewayUrl, anonymous);
  const user = must('sign-up', await users.POST('/users', { body: { email, password, name: 'Demo Shopper', phone: '+15555550100' } }));
  show(`signed up ${user.email} (customer id ${user.id})`);
  const session = must('login', await users.POST('/sessions', { body: { email, password } }));
  show(`logged in: an access token valid for ${session.expiresIn} s`);
  const asShopper = { ...anonymous, headers: { authorization: `Bearer ${session.accessToken}` } };

  step('Browse the catalog');
  const catalog = createCatalogClient(gatewayUrl, anonymous);
  const page = must('browse', await catalog.GET('/products', { params: { query: { limit: 10 } } }));
  for (const product of page.items) show(`${product.sku.padEnd(16)} ${product.name.padEnd(26)} ${money(product.price.amount, product.price.currency)}`);
  const found = must('search', await catalog.GET('/products', { params: { query: { q: 'mug' } } }));
  show(`search "mug": ${found.items.map((product) => product.name).join(', ') || 'nothing'}`);

  step('Fill the cart');
  const cart = createCartClient(gatewayUrl, asShopper);
  // Plentiful demo products, so the demo can run again and again.
  const first = page.items.find((product) => product.sku === 'MUG-TEMPORAL');
  const second = page.items.find((product) => product.sku === 'STICKER-PACK');
  if (!first || !second) throw new Error('the demo products are missing; is the demo data loaded (npm start loads it)?');
  must('add to cart', await cart.PUT('/carts/{customerId}/items/{sku}', { params: { path: { customerId: user.id, sku: first.sku } }, body: { quantity: 2 } }));
  const filled = must('add to cart', await cart.PUT('/carts/{customerId}/items/{sku}', { params: { path: { customerId: user.id, sku: second.sku } }, body: { quantity: 1 } }));
  for (const item of filled.items) show(`${item.quantity} × ${item.name} = ${money(item.lineTotal.amount, item.lineTotal.currency)}`);
  show(`total ${money(filled.total.amount, filled.total.currency)}`);

  step('Pay: tokenise a card, then check out');
  const payments = createPaymentsClient(gatewayUrl, asShopper);
  const card = must('tokenise', await payments.POST('/payment-methods', { body: { card: { number: TEST_CARDS.success, expMonth: 12, expYear: new Date().getUTCFullYear() + 2, cvc: '123' } } }));
  show(`card •••• ${card.last4} → token ${card.id}`);
  const gateway = createServiceClient<GatewayPaths>(gatewayUrl, asShopper);
  const shippingAddress = { name: 'Demo Shopper', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };
  const started = performance.now();
  const checkout = await gateway.POST('/checkouts', {
    params: { header: { 'Idempotency-Key': randomUUID() } },
    body: { paymentMethodId: card.id, shippingAddress },
  });
  let placed = checkout.data;
  show(`POST /checkouts → ${checkout.response.status} in ${Math.round(performance.now() - started)} ms`);
  if (!placed) throw new Error(`the checkout failed: ${JSON.stringify(checkout.error)}`);
  while (!placed.orderId && !placed.failure) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    placed = must('follow the checkout', await gateway.GET('/checkouts/{checkoutId}', { params: { path: { checkoutId: placed.id } } }));
    show(`  ${placed.status} · ${placed.step}`);
  }
  show(`checkout ${placed.id}: order ${placed.orderId ?? '-'} placed; the checkout finishes in the background:`);
  let lastStep = placed.step;
  while (placed.status !== 'completed' && placed.status !== 'failed') {
    await new Promise((resolve) => setTimeout(resolve, 200));
    placed = must('follow the checkout', await gateway.GET('/checkouts/{checkoutId}', { params: { path: { checkoutId: placed.id } } }));
    if (placed.step !== lastStep) show(`  ${placed.status} · ${placed.step}`);
    lastStep = placed.step;
  }
  show(`in the Temporal UI: ${uiUrl}/namespaces/${namespace}/workflows/${checkoutWorkflowId(placed.id)}`);

  step('Track the order');
  const orders = createOrdersClient(gatewayUrl, asShopper);
  const order = must('order', await orders.GET('/orders/{orderId}', { params: { path: { orderId: placed.orderId! } } }));
  show(`order ${order.id}: ${order.status}, ${money(order.total.amount, order.total.currency)}`);
  for (const change of order.statusHistory) show(`  ${change.at}  ${change.status}${change.note ? ` (${change.note})` : ''}`);
  const emptied = must('cart', await cart.GET('/carts/{customerId}', { params: { path: { customerId: user.id } } }));
  show(`the cart now holds ${emptied.itemCount} items`);
  const notifications = createNotificationsClient(gatewayUrl, asShopper);
  const sent = must('notifications', await notifications.GET('/notifications', { params: { query: {} } }));
  for (const notification of sent.items) show(`notified: ${notification.subject} (${notification.deliveries.map((delivery) => `${delivery.channel} ${delivery.status}`).join(', ')})`);

  step('A declined card');
  must('add to cart', await cart.PUT('/carts/{customerId}/items/{sku}', { params: { path: { customerId: user.id, sku: first.sku } }, body: { quantity: 1 } }));
  const declinedCard = must('tokenise', await payments.POST('/payment-methods', { body: { card: { number: TEST_CARDS.declined, expMonth: 12, expYear: new Date().getUTCFullYear() + 2, cvc: '123' } } }));
  const declined = await gateway.POST('/checkouts', {
    params: { header: { 'Idempotency-Key': randomUUID() } },
    body: { paymentMethodId: declinedCard.id, shippingAddress },
  });
  const problem = declined.error as { status?: number; type?: string; detail?: string; checkoutId?: string } | undefined;
  show(`POST /checkouts → ${declined.response.status} ${problem?.type ?? ''}: ${problem?.detail ?? ''}`);
  if (problem?.checkoutId) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = must('follow the checkout', await gateway.GET('/checkouts/{checkoutId}', { params: { path: { checkoutId: problem.checkoutId } } }));
    show(`checkout ${after.id}: ${after.status} (${after.failure?.type}); what was done has been undone`);
    show(`in the Temporal UI: ${uiUrl}/namespaces/${namespace}/workflows/${checkoutWorkflowId(after.id)}`);
  }
  const unlocked = must('cart', await cart.GET('/carts/{customerId}', { params: { path: { customerId: user.id } } }));
  show(`the cart is ${unlocked.status} again, still holding ${unlocked.itemCount} item(s)`);
  console.log('\nDone.');
}

main().catch((error: unknown) => {
  console.error(`\nThe demo stopped: ${error instanceof Error ? error.message : String(error)}`);
  console.error('Is the shop running? Start it with `npm start` in another terminal.');
  process.exit(1);
});
