/**
 * The whole shop in one test process: every service on its own fresh
 * database and port (real HTTP, tokens from the real users service), the
 * payment provider simulator they charge through, the gateway in front, and a
 * worker with the real activities, on a Temporal server the test chooses (the
 * dev server, or the time-skipping one).
 */
import { randomUUID } from 'node:crypto';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { serviceClientsFromEnv } from '../../activities/clients';
import { startService, type RunningService, type ServiceDefinition } from '../../platform/service-main';
import type { ServiceName } from '../../platform/services';
import { startGateway, type RunningGateway } from '../../gateway/main';
import { cartService } from '../../services/cart/main';
import { catalogService } from '../../services/catalog/main';
import { inventoryService } from '../../services/inventory/main';
import { notificationsService } from '../../services/notifications/main';
import { ordersService } from '../../services/orders/main';
import { paymentsService } from '../../services/payments/main';
import { usersService } from '../../services/users/main';
import { createTestDatabase } from '../support/database';
import { startTestMailServer, type TestMailServer } from '../support/mail-server';
import { startTestPaymentProvider, type TestPaymentProvider } from '../support/payment-provider';
import { testCodecEnv, testDataConverter } from '../support/temporal-codec';

export const ADMIN = { email: 'admin@shop.test', password: 'admin password for tests' };

export interface Shop {
  env: Record<string, string>;
  services: Partial<Record<ServiceName, RunningService>>;
  /** The outside party payments charges through; tests switch its outage on and off. */
  paymentProvider: TestPaymentProvider;
  /** Where notifications sends its mail. */
  mailServer: TestMailServer;
  gateway: RunningGateway;
  worker: Worker;
  /** Stops the worker (a fresh one, with an empty cache, is started by startWorker). */
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  stop(): Promise<void>;
}

export async function startShop(options: {
  temporalAddress: string;
  connection: NativeConnection;
  workflowBundle: WorkflowBundleWithSourceMap;
  /** A services' definition to use instead of the standard one (e.g. payments with a provider the test controls). */
  overrides?: Partial<Record<ServiceName, ServiceDefinition>>;
}): Promise<Shop> {
  const taskQueue = `shop-${randomUUID()}`;
  const [paymentProvider, mailServer] = await Promise.all([startTestPaymentProvider(), startTestMailServer()]);
  const env: Record<string, string> = {
    ...paymentProvider.env,
    ...mailServer.env,
    // The gateway encrypts with it as the worker below does, and as the test's own client must (testDataConverter).
    ...testCodecEnv,
    SERVICE_CLIENT_SECRET: `shop-${randomUUID()}`,
    BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
    BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
    TEMPORAL_ADDRESS: options.temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue,
    PORT: '0',
    HOST: '127.0.0.1',
  };
  const services: Partial<Record<ServiceName, RunningService>> = {};
  const start = async (definition: ServiceDefinition) => {
    const name = definition.name;
    const service = await startService(options.overrides?.[name] ?? definition, {
      ...env,
      [`${name.toUpperCase()}_DATABASE_URL`]: await createTestDatabase(`shop_${name}`),
    });
    services[name] = service;
    env[`${name.toUpperCase()}_URL`] = service.url;
  };
  // In the order they call each other: users (keys) first, the catalog before the cart, notifications before orders.
  await start(usersService);
  await Promise.all([start(catalogService), start(inventoryService), start(paymentsService), start(notificationsService)]);
  await Promise.all([start(cartService), start(ordersService)]);

  const gateway = await startGateway({
    ...env,
    GATEWAY_PORT: '0',
    GATEWAY_CHECKOUT_PER_MINUTE: '1000',
    GATEWAY_LOGIN_PER_MINUTE: '1000',
    GATEWAY_SIGNUP_PER_MINUTE: '1000',
    // The tests expect a checkout's outcome in the answer; on a busy machine a checkout takes longer than the 5 s a shopper is held.
    GATEWAY_CHECKOUT_WAIT_MS: '30000',
  });
  const newWorker = () =>
    Worker.create({
      connection: options.connection,
      taskQueue,
      workflowBundle: options.workflowBundle,
      activities: createActivities(serviceClientsFromEnv(env)),
      dataConverter: testDataConverter(),
    });
  let worker: Worker | undefined = await newWorker();
  let running: Promise<void> | undefined = worker.run();
  const stopWorker = async () => {
    worker?.shutdown();
    await running;
    worker = undefined;
    running = undefined;
  };
  return {
    env,
    services,
    paymentProvider,
    mailServer,
    gateway,
    get worker() {
      if (!worker) throw new Error('the worker is stopped');
      return worker;
    },
    stopWorker,
    async startWorker() {
      if (worker) return;
      worker = await newWorker();
      running = worker.run();
    },
    async stop() {
      await stopWorker();
      await gateway.stop();
      await Promise.all(Object.values(services).map((service) => service?.stop()));
      await paymentProvider.stop();
      await mailServer.stop();
    },
  };
}

/** A JSON call through the gateway (or any base URL). */
export async function api(baseUrl: string, method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const body: any = text ? JSON.parse(text) : undefined;
  return { status: response.status, body, headers: response.headers };
}

export async function signUpAndLogIn(baseUrl: string, phone?: string): Promise<{ id: string; token: string; email: string }> {
  const email = `shopper-${randomUUID()}@example.com`;
  const password = 'a shopper password';
  const signedUp = await api(baseUrl, 'POST', '/users', { body: { email, password, name: 'Shopper', ...(phone ? { phone } : {}) } });
  if (signedUp.status !== 201) throw new Error(`sign-up: ${signedUp.status} ${JSON.stringify(signedUp.body)}`);
  const session = await api(baseUrl, 'POST', '/sessions', { body: { email, password } });
  return { id: session.body.user.id, token: session.body.accessToken, email };
}

/** As the admin: a product in the catalog, with stock. */
export async function stockProduct(baseUrl: string, sku: string, price: number, onHand: number): Promise<void> {
  const admin = (await api(baseUrl, 'POST', '/sessions', { body: ADMIN })).body.accessToken as string;
  const created = await api(baseUrl, 'POST', '/products', { token: admin, body: { sku, name: `Product ${sku}`, price: { amount: price, currency: 'USD' }, category: 'test' } });
  if (created.status !== 201) throw new Error(`product: ${created.status} ${JSON.stringify(created.body)}`);
  const stocked = await api(baseUrl, 'PUT', `/stock/${sku}`, { token: admin, body: { onHand } });
  if (stocked.status !== 200) throw new Error(`stock: ${stocked.status} ${JSON.stringify(stocked.body)}`);
}

export async function tokeniseCard(baseUrl: string, token: string, number: string): Promise<string> {
  const res = await api(baseUrl, 'POST', '/payment-methods', { token, body: { card: { number, expMonth: 12, expYear: new Date().getUTCFullYear() + 2, cvc: '123' } } });
  if (res.status !== 201) throw new Error(`tokenise: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

export const SHIPPING_ADDRESS = { name: 'Ada Lovelace', line1: '12 Analytical Way', city: 'London', postalCode: 'N1 9GU', country: 'GB' };
