/**
 * The checkout saga end to end: a real Temporal dev server, the real services
 * over real HTTP on their own PostgreSQL databases, and the real activities.
 */
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { WorkflowIdReusePolicy } from '@temporalio/client';
import { createActivities, type ServiceClients } from '../../activities';
import { devServerExecutable } from '../../dev/temporal-binaries';
import { startService, type RunningService, type ServiceDefinition } from '../../platform/service-main';
import { inventoryService } from '../../services/inventory/main';
import { paymentsService } from '../../services/payments/main';
import { ordersService } from '../../services/orders/main';
import { notificationsService } from '../../services/notifications/main';
import { usersService } from '../../services/users/main';
import { catalogService } from '../../services/catalog/main';
import { cartService } from '../../services/cart/main';
import { createCartClient } from '../../services/cart/client';
import { clientCredentialsTokenSource } from '../../platform/service-token';
import { createInventoryClient } from '../../services/inventory/client';
import { createPaymentsClient } from '../../services/payments/client';
import { createOrdersClient } from '../../services/orders/client';
import { createNotificationsClient } from '../../services/notifications/client';
import { SEARCH_ATTRIBUTES } from '../../temporal.config';
import { checkoutWorkflowId, type CheckoutInput, type CheckoutResult } from '../../workflows/messages';
import { TEST_CARDS } from '../../scripts/demo-data';
import { createTestDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { startTestMailServer, type TestMailServer } from '../support/mail-server';
import { startTestPaymentProvider, type TestPaymentProvider } from '../support/payment-provider';
import { testDataConverter } from '../support/temporal-codec';

jest.setTimeout(180_000);

let env: TestWorkflowEnvironment;
let workflowBundle: WorkflowBundleWithSourceMap;
let services: RunningService[] = [];
let clients: ServiceClients;
let paymentProvider: TestPaymentProvider;
let mailServer: TestMailServer;

/** Shared by the services and the worker, as npm start shares one. */
const SERVICE_CLIENT_SECRET = `e2e-${randomUUID()}`;

async function startOnFreshDatabase(definition: ServiceDefinition, urls: Record<string, string> = {}): Promise<RunningService> {
  const databaseUrl = await createTestDatabase(definition.name);
  return startService(definition, {
    [`${definition.name.toUpperCase()}_DATABASE_URL`]: databaseUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    SERVICE_CLIENT_SECRET,
    ...urls,
  });
}

beforeAll(async () => {
  // The users service first: every other part gets its tokens and keys from it.
  const usersRunning = startOnFreshDatabase(usersService);
  [paymentProvider, mailServer] = await Promise.all([startTestPaymentProvider(), startTestMailServer()]);
  const others = usersRunning.then(async (users) => {
    const withUsers = { USERS_URL: users.url };
    const [inventory, payments, notifications] = await Promise.all([
      startOnFreshDatabase(inventoryService, withUsers),
      startOnFreshDatabase(paymentsService, { ...withUsers, ...paymentProvider.env }),
      startOnFreshDatabase(notificationsService, { ...withUsers, ...mailServer.env }),
    ]);
    const orders = await startOnFreshDatabase(ordersService, { ...withUsers, NOTIFICATIONS_URL: notifications!.url });
    const catalog = await startOnFreshDatabase(catalogService, withUsers);
    const cart = await startOnFreshDatabase(cartService, { ...withUsers, CATALOG_URL: catalog.url });
    return [users, inventory!, payments!, orders, notifications!, catalog, cart] as const;
  });
  const [temporal, bundle, running] = await Promise.all([
    TestWorkflowEnvironment.createLocal({
      server: { executable: devServerExecutable(), searchAttributes: Object.values(SEARCH_ATTRIBUTES) },
      client: { dataConverter: testDataConverter() },
    }),
    bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: quietBundlerLogger() }),
    others,
  ]);
  env = temporal;
  workflowBundle = bundle;
  services = [...running];
  const [users, inventory, payments, orders, notifications, , cart] = running.map((service) => service.url) as [string, string, string, string, string, string, string];
  // The worker's identity, as in production: a service token from the users service.
  const options = { accessToken: clientCredentialsTokenSource({ usersUrl: users, clientId: 'worker', clientSecret: SERVICE_CLIENT_SECRET }) };
  clients = {
    cart: createCartClient(cart, options),
    inventory: createInventoryClient(inventory, options),
    payments: createPaymentsClient(payments, options),
    orders: createOrdersClient(orders, options),
    notifications: createNotificationsClient(notifications, options),
  };
});

afterAll(async () => {
  await Promise.all(services.map((service) => service.stop()));
  await paymentProvider?.stop();
  await mailServer?.stop();
  await env?.teardown();
});

function quietBundlerLogger() {
  const noop = () => undefined;
  return { trace: noop, debug: noop, info: noop, warn: noop, error: (message: string) => console.error(message), log: noop };
}

async function setStock(sku: string, onHand: number) {
  const { response } = await clients.inventory.PUT('/stock/{sku}', { params: { path: { sku } }, body: { onHand } });
  expect(response.status).toBe(200);
}

async function stockOf(sku: string) {
  const { data } = await clients.inventory.GET('/stock/{sku}', { params: { path: { sku } } });
  if (!data) throw new Error(`no stock for ${sku}`);
  return data;
}

async function tokenise(cardNumber: string): Promise<string> {
  const { data, error } = await clients.payments.POST('/payment-methods', {
    body: { card: { number: cardNumber, expMonth: 12, expYear: new Date().getUTCFullYear() + 2, cvc: '123' } },
  });
  if (!data) throw new Error(`tokenising failed: ${JSON.stringify(error)}`);
  return data.id;
}

async function runCheckout(input: CheckoutInput): Promise<{ result: CheckoutResult; workflowId: string }> {
  const taskQueue = `e2e-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle,
    activities: createActivities(clients),
    dataConverter: testDataConverter(),
  });
  const workflowId = checkoutWorkflowId(input.checkoutId);
  const result = await worker.runUntil(
    env.client.workflow.execute('checkoutWorkflow', {
      taskQueue,
      workflowId,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      args: [input],
    }) as Promise<CheckoutResult>,
  );
  return { result, workflowId };
}

function checkoutInput(overrides: Partial<CheckoutInput> & Pick<CheckoutInput, 'lines' | 'paymentMethodId'>): CheckoutInput {
  return {
    checkoutId: randomUUID(),
    customerId: `customer-${randomUUID()}`,
    customerEmail: 'ada@example.com',
    currency: 'USD',
    shippingAddress: { name: 'Ada Lovelace', line1: '12 Analytical Way', city: 'London', postalCode: 'N1 9GU', country: 'GB' },
    ...overrides,
  };
}

it('a successful checkout lowers stock and leaves one charge, one order and one notification', async () => {
  const sku = `E2E-OK-${Date.now()}`;
  await setStock(sku, 10);
  const input = checkoutInput({
    lines: [{ sku, name: 'E2E mug', quantity: 3, unitPrice: 1250 }],
    paymentMethodId: await tokenise(TEST_CARDS.success),
  });

  const { result, workflowId } = await runCheckout(input);

  expect(result).toMatchObject({ status: 'completed', total: { amount: 3750, currency: 'USD' } });
  expect(await stockOf(sku)).toMatchObject({ onHand: 7, reserved: 0, available: 7 });

  const charges = await clients.payments.GET('/charges', { params: { query: { reference: input.checkoutId } } });
  expect(charges.data?.items).toHaveLength(1);
  expect(charges.data?.items[0]).toMatchObject({ status: 'succeeded', amount: { amount: 3750, currency: 'USD' }, amountRefunded: 0 });
  expect(charges.data?.items[0]?.id).toBe(result.chargeId);
  expect(await paymentProvider.chargesFor(input.checkoutId)).toMatchObject([{ status: 'succeeded', amount: 3750, metadata: { shop_charge_id: result.chargeId } }]);

  const order = await clients.orders.GET('/orders/{orderId}', { params: { path: { orderId: result.orderId! } } });
  expect(order.data).toMatchObject({ checkoutId: input.checkoutId, customerId: input.customerId, status: 'paid', total: { amount: 3750 } });
  const orders = await clients.orders.GET('/orders', { params: { query: { customerId: input.customerId } } });
  expect(orders.data?.items).toHaveLength(1);

  const notifications = await clients.notifications.GET('/notifications', { params: { query: { customerId: input.customerId } } });
  expect(notifications.data?.items).toHaveLength(1);
  expect(notifications.data?.items[0]).toMatchObject({ template: 'order_confirmed', email: 'ada@example.com', status: 'sent' });
  // And the mail server (its simulator) has the message, with the Message-ID made from the notification.
  expect((await mailServer.mailTo('ada@example.com')).map((mail) => mail.messageId)).toContain(`<${notifications.data!.items[0]!.id}@shop.example>`);

  const description = await env.client.workflow.getHandle(workflowId).describe();
  expect(description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.CustomerId)).toBe(input.customerId);
  expect(description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.OrderId)).toBe(result.orderId);
  expect(description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.CheckoutStatus)).toBe('Completed');
});

it('a declined card leaves stock unchanged, no charge standing, no order, and a failure notification', async () => {
  const sku = `E2E-DECLINE-${Date.now()}`;
  await setStock(sku, 10);
  const input = checkoutInput({
    lines: [{ sku, name: 'E2E hoodie', quantity: 2, unitPrice: 4900 }],
    paymentMethodId: await tokenise(TEST_CARDS.declined),
  });

  const { result, workflowId } = await runCheckout(input);

  expect(result).toMatchObject({ status: 'failed', failure: { type: 'PaymentDeclined', step: 'charging_payment' } });
  expect(await stockOf(sku)).toMatchObject({ onHand: 10, reserved: 0, available: 10 });

  const reservation = await clients.inventory.GET('/reservations/{reservationId}', { params: { path: { reservationId: input.checkoutId } } });
  expect(reservation.data).toMatchObject({ status: 'released' });

  const charges = await clients.payments.GET('/charges', { params: { query: { reference: input.checkoutId } } });
  expect(charges.data?.items.filter((charge) => charge.status === 'succeeded' || charge.status === 'partially_refunded')).toEqual([]);

  const orders = await clients.orders.GET('/orders', { params: { query: { customerId: input.customerId } } });
  expect(orders.data?.items.filter((order) => order.status !== 'cancelled')).toEqual([]);

  const notifications = await clients.notifications.GET('/notifications', { params: { query: { customerId: input.customerId } } });
  expect(notifications.data?.items.map((notification) => notification.template)).toEqual(['checkout_failed']);

  const description = await env.client.workflow.getHandle(workflowId).describe();
  expect(description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.CheckoutStatus)).toBe('Failed');
  expect(description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.FailureReason)).toBe('PaymentDeclined');
});

it('out of stock fails before any charge', async () => {
  const sku = `E2E-SCARCE-${Date.now()}`;
  await setStock(sku, 1);
  const input = checkoutInput({
    lines: [{ sku, name: 'Poster', quantity: 2, unitPrice: 2500 }],
    paymentMethodId: await tokenise(TEST_CARDS.success),
  });

  const { result } = await runCheckout(input);

  expect(result).toMatchObject({ status: 'failed', failure: { type: 'OutOfStock', step: 'reserving_inventory' } });
  expect(await stockOf(sku)).toMatchObject({ onHand: 1, reserved: 0 });
  const charges = await clients.payments.GET('/charges', { params: { query: { reference: input.checkoutId } } });
  expect(charges.data?.items).toEqual([]);
});

it('the Temporal UI list query finds checkouts by customer', async () => {
  const sku = `E2E-LIST-${Date.now()}`;
  await setStock(sku, 5);
  const input = checkoutInput({
    lines: [{ sku, name: 'Sticker', quantity: 1, unitPrice: 499 }],
    paymentMethodId: await tokenise(TEST_CARDS.success),
  });
  const { workflowId } = await runCheckout(input);

  // Visibility is eventually consistent.
  const found = await eventually('the checkout in visibility', async () => {
    const ids: string[] = [];
    for await (const execution of env.client.workflow.list({ query: `CustomerId = '${input.customerId}' AND CheckoutStatus = 'Completed'` })) ids.push(execution.workflowId);
    return ids.length > 0 ? ids : undefined;
  });
  expect(found).toEqual([workflowId]);
});
