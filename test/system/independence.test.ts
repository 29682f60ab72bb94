/**
 * The promise of the microservice design: stopping one service leaves the
 * others serving. Every service runs for real (own database, own port, real
 * HTTP, tokens from the real users service); one at a time is stopped and the
 * rest are exercised.
 */
import { randomUUID } from 'node:crypto';
import { startService, type RunningService, type ServiceDefinition } from '../../platform/service-main';
import type { ServiceName } from '../../platform/services';
import { inventoryService } from '../../services/inventory/main';
import { notificationsService } from '../../services/notifications/main';
import { ordersService } from '../../services/orders/main';
import { paymentsService } from '../../services/payments/main';
import { usersService } from '../../services/users/main';
import { catalogService } from '../../services/catalog/main';
import { cartService } from '../../services/cart/main';
import { createTestDatabase } from '../support/database';

jest.setTimeout(120_000);

const SERVICE_CLIENT_SECRET = `independence-${randomUUID()}`;
const definitions: Partial<Record<ServiceName, ServiceDefinition>> = {
  catalog: catalogService,
  cart: cartService,
  inventory: inventoryService,
  payments: paymentsService,
  orders: ordersService,
  notifications: notificationsService,
};

const databases: Partial<Record<ServiceName, string>> = {};
const running: Partial<Record<ServiceName, RunningService>> = {};
let usersUrl: string;
let customer: { id: string; token: string };

async function start(name: ServiceName, definition: ServiceDefinition): Promise<RunningService> {
  databases[name] ??= await createTestDatabase(`independence_${name}`);
  const service = await startService(definition, {
    [`${name.toUpperCase()}_DATABASE_URL`]: databases[name],
    PORT: '0',
    SERVICE_CLIENT_SECRET,
    ...(usersUrl ? { USERS_URL: usersUrl } : {}),
    ...(running.catalog ? { CATALOG_URL: running.catalog.url } : {}),
  });
  running[name] = service;
  return service;
}

async function call(name: ServiceName, path: string, init: RequestInit = {}): Promise<number> {
  const response = await fetch(`${running[name]!.url}${path}`, {
    ...init,
    headers: { authorization: customer.token, 'content-type': 'application/json', ...init.headers },
  });
  return response.status;
}

/** One ordinary request per service, as a customer; each must be answered by its service. */
const probes: Record<string, () => Promise<number>> = {
  users: () => call('users', `/users/${customer.id}`),
  catalog: () => call('catalog', '/products'),
  cart: () => call('cart', `/carts/${customer.id}`),
  inventory: () => call('inventory', '/stock'),
  payments: () => call('payments', '/charges'),
  orders: () => call('orders', '/orders'),
  notifications: () => call('notifications', '/notifications'),
};

beforeAll(async () => {
  usersUrl = (await start('users', usersService)).url;
  // The cart is told where the catalog is, so the catalog comes first.
  await start('catalog', catalogService);
  await Promise.all(Object.entries(definitions).filter(([name]) => name !== 'catalog').map(([name, definition]) => start(name as ServiceName, definition)));
  const email = `independent-${randomUUID()}@example.com`;
  const password = 'independence day password';
  await fetch(`${usersUrl}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password, name: 'Ind' }) });
  const session = (await (await fetch(`${usersUrl}/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) })).json()) as {
    accessToken: string;
    user: { id: string };
  };
  customer = { id: session.user.id, token: `Bearer ${session.accessToken}` };
  // Every service has verified a token once, as in a running shop.
  for (const probe of Object.values(probes)) expect(await probe()).toBe(200);
});

afterAll(async () => {
  await Promise.all(Object.values(running).map((service) => service?.stop()));
});

it.each(['payments', 'catalog', 'cart', 'inventory', 'orders', 'notifications', 'users'] as const)('the others keep serving while %s is stopped', async (stopped) => {
  await running[stopped]!.stop();
  try {
    await expect(fetch(`${running[stopped]!.url}/health`)).rejects.toThrow();
    for (const [name, probe] of Object.entries(probes)) {
      if (name === stopped) continue;
      // Without users, services still verify tokens with the keys they already fetched.
      expect({ name, status: await probe() }).toEqual({ name, status: 200 });
    }
  } finally {
    await start(stopped, stopped === 'users' ? usersService : definitions[stopped]!);
    if (stopped === 'users') usersUrl = running.users!.url;
    // Back in service, it has verified a token once, like every other running instance.
    expect(await probes[stopped]!()).toBe(200);
  }
});

it('a service started while users is down says tokens cannot be checked yet (503), not that they are bad', async () => {
  await running.users!.stop();
  const late = await startService(ordersService, { ORDERS_DATABASE_URL: databases.orders!, PORT: '0', USERS_URL: usersUrl });
  try {
    const response = await fetch(`${late.url}/orders`, { headers: { authorization: customer.token } });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ type: 'auth-unavailable' });
  } finally {
    await late.stop();
    await start('users', usersService);
  }
});
