/**
 * The gateway in front of real services over HTTP: routing by allow-list,
 * tokens checked at the edge, rate limits, body limits, security headers,
 * request ids, a stopped service answered as 503, and the combined docs.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startService, type RunningService, type ServiceDefinition } from '../../platform/service-main';
import { SERVICE_NAMES, type ServiceName } from '../../platform/services';
import { createLogger } from '../../platform/logger';
import { jwksTokenVerifier } from '../../platform/auth';
import { inventoryService } from '../../services/inventory/main';
import { inventorySpec } from '../../services/inventory/app';
import { ordersService } from '../../services/orders/main';
import { usersService } from '../../services/users/main';
import { createGatewayApp } from '../../gateway/app';
import { checkoutWaitMs, gatewaySpec } from '../../gateway/main';
import { GATEWAY_ROUTES, specPath } from '../../gateway/routes';
import { createTestDatabase } from '../support/database';
import { expectToMatchSpec } from '../support/openapi';
import { getFreePort } from '../support/ports';
import { checkoutsRouter } from '../../gateway/checkouts';
import { createOrdersClient } from '../../services/orders/client';
import { createUsersClient } from '../../services/users/client';
import { clientCredentialsTokenSource, serviceClientSecret } from '../../platform/service-token';

jest.setTimeout(60_000);

const running: RunningService[] = [];
let app: ReturnType<typeof createGatewayApp>;
let stoppedUrl: string;
let inventoryUrl: string;
let usersUrl: string;
let ordersUrl: string;

async function start(definition: ServiceDefinition, env: Record<string, string> = {}) {
  const service = await startService(definition, {
    [`${definition.name.toUpperCase()}_DATABASE_URL`]: await createTestDatabase(`gateway_${definition.name}`),
    PORT: '0',
    ...env,
  });
  running.push(service);
  return service;
}

beforeAll(async () => {
  const users = await start(usersService);
  const [inventory, orders] = await Promise.all([start(inventoryService, { USERS_URL: users.url }), start(ordersService, { USERS_URL: users.url })]);
  // Nothing listens here: the payments service is "down".
  stoppedUrl = `http://127.0.0.1:${await getFreePort()}`;
  inventoryUrl = inventory.url;
  usersUrl = users.url;
  ordersUrl = orders.url;
  const serviceUrls = Object.fromEntries(SERVICE_NAMES.map((name) => [name, stoppedUrl])) as Record<ServiceName, string>;
  Object.assign(serviceUrls, { users: users.url, inventory: inventory.url, orders: orders.url });
  app = createGatewayApp({
    logger: createLogger('gateway'),
    auth: jwksTokenVerifier(users.url),
    serviceUrls,
    publicUrl: 'http://gateway.test',
    rateLimits: { login: 3, signup: 100, checkout: 10, general: 1000 },
    ownSpec: gatewaySpec,
    // As behind a load balancer: each test's "client" has its own address.
    trustProxy: true,
  });
});

afterAll(async () => {
  await Promise.all(running.map((service) => service.stop()));
});

async function customer() {
  const email = `shopper-${randomUUID()}@example.com`;
  const password = 'a long enough password';
  await request(app).post('/users').send({ email, password, name: 'Shopper' }).expect(201);
  const session = await request(app).post('/sessions').set('x-forwarded-for', randomUUID()).send({ email, password }).expect(200);
  return { id: session.body.user.id as string, token: `Bearer ${session.body.accessToken as string}` };
}

describe('routing', () => {
  it('routes a public read without a token, and a protected one with a token', async () => {
    await request(app).get('/stock').expect(200);
    const { id, token } = await customer();
    const orders = await request(app).get('/orders').set('authorization', token).expect(200);
    expect(orders.body).toMatchObject({ items: [], total: 0 });
    await request(app).get(`/users/${id}`).set('authorization', token).expect(200);
  });

  it('refuses a protected route without a token at the edge', async () => {
    const res = await request(app).get('/orders').expect(401);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('refuses a bad token at the edge, even on a public route', async () => {
    await request(app).get('/stock').set('authorization', 'Bearer not.a.token').expect(401);
  });

  it('does not expose the services’ internal endpoints', async () => {
    const { token } = await customer();
    for (const call of [
      request(app).put('/reservations/r-1').set('authorization', token).send({ lines: [{ sku: 'X', quantity: 1 }] }),
      request(app).post('/oauth/token').send('grant_type=client_credentials'),
      request(app).get('/mailbox/sms').set('authorization', token),
    ]) {
      const res = await call.expect(404);
      expect(res.body.type).toBe('route-not-found');
    }
    // A path the gateway routes for another method: 405, naming what it takes.
    const charge = await request(app).post('/charges').set('authorization', token).send({}).expect(405);
    expect(charge.headers.allow).toBe('GET, HEAD');
  });

  it('answers a method a routed path does not take with 405 and Allow, before it reaches a service', async () => {
    for (const [method, path, allow] of [
      ['delete', '/products', 'GET, POST, HEAD'],
      ['put', '/orders/6f1c3a52-8d4e-4b7a-9c0e-2f5d8a1b3c4d', 'GET, HEAD'],
      ['patch', '/stock/MUG-1', 'GET, PUT, HEAD'],
      ['get', '/sessions', 'POST'],
      ['delete', '/checkouts', 'POST'],
    ] as const) {
      const res = await request(app)[method](path).expect(405);
      expect(res.headers.allow).toBe(allow);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ type: 'method-not-allowed', status: 405 });
    }
    // Stopped services (payments is) are never asked.
    await request(app).delete('/charges').expect(405);
  });

  it('answers 503 naming the service when it is down, while the others keep serving', async () => {
    const { token } = await customer();
    const res = await request(app).get('/charges').set('authorization', token).expect(503);
    expect(res.body).toMatchObject({ type: 'service-unavailable', detail: expect.stringContaining('payments') });
    expectToMatchSpec((await request(app).get('/openapi.json')).body, res);
    await request(app).get('/orders').set('authorization', token).expect(200);
  });
});

describe('protection at the edge', () => {
  it('sets security headers and keeps the caller’s request id', async () => {
    const res = await request(app).get('/stock').set('x-request-id', 'trace-123').expect(200);
    expect(res.headers['x-request-id']).toBe('trace-123');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('refuses an oversized body before it reaches a service', async () => {
    const res = await request(app)
      .post('/users')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ name: 'x'.repeat(70 * 1024) }))
      .expect(413);
    expect(res.body.type).toBe('body-too-large');
  });

  it('limits login attempts per address, with Retry-After', async () => {
    const address = `10.0.0.${Math.floor(Math.random() * 200)}`;
    const attempt = () => request(app).post('/sessions').set('x-forwarded-for', address).send({ email: 'nobody@example.com', password: 'wrong password!!' });
    for (let i = 0; i < 3; i += 1) await attempt().expect(401);
    const limited = await attempt().expect(429);
    expect(limited.body.type).toBe('rate-limited');
    expectToMatchSpec((await request(app).get('/openapi.json')).body, limited);
    expect(limited.headers['retry-after']).toBeDefined();
  });
});

describe('what the HTTP server refuses before any route', () => {
  it('answers a request head over 16 KB with a 431 problem, which every operation of every spec lists (found by the fuzzer)', async () => {
    const res = await fetch(`${inventoryUrl}/stock?sku=${'A'.repeat(20_000)}`);
    expect(res.status).toBe(431);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const body = await res.json();
    expect(body).toEqual({ type: 'request-head-too-large', title: expect.any(String), status: 431, detail: expect.any(String) });
    const listed = (inventorySpec as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }).paths['/stock']!.get!.responses['431'];
    expect(listed).toEqual({ $ref: '#/components/responses/RequestHeadTooLarge' });
  });
});

describe('checkout rate limit', () => {
  it('limits checkouts per customer, not per address', async () => {
    // A stand-in for the checkout endpoints (tested for real in test/e2e/journey): this test is about the limit in front of them.
    const { Router } = await import('express');
    const ownRoutes = Router().post('/checkouts', (_req, res) => {
      res.status(201).json({});
    });
    const limited = createGatewayApp({
      logger: createLogger('gateway'),
      auth: jwksTokenVerifier(running[0]!.url),
      serviceUrls: Object.fromEntries(SERVICE_NAMES.map((name) => [name, stoppedUrl])) as Record<ServiceName, string>,
      publicUrl: 'http://gateway.test',
      rateLimits: { login: 100, signup: 100, checkout: 2, general: 1000 },
      ownSpec: gatewaySpec,
      ownRoutes,
    });
    const [first, second] = [await customer(), await customer()];
    await request(limited).post('/checkouts').expect(401);
    for (let i = 0; i < 2; i += 1) await request(limited).post('/checkouts').set('authorization', first.token).expect(201);
    const refused = await request(limited).post('/checkouts').set('authorization', first.token).expect(429);
    expect(refused.body.type).toBe('rate-limited');
    await request(limited).post('/checkouts').set('authorization', second.token).expect(201);
  });
});

describe('checkout submits', () => {
  it('shares one submission among the submits of one key and body that arrive together: one record write, one profile read, one call to Temporal, one answer', async () => {
    const SUBMITS = 20;
    const calls = { recordWrites: 0, profileReads: 0, temporal: 0 };
    let arrived = 0;
    let allArrived!: () => void;
    const everyoneIsWaiting = new Promise<void>((resolve) => (allArrived = resolve));
    const orders = createOrdersClient(ordersUrl, { accessToken: clientCredentialsTokenSource({ usersUrl, clientId: 'gateway', clientSecret: serviceClientSecret() }) });
    orders.use({ onRequest: ({ request }) => void (request.method === 'PUT' && (calls.recordWrites += 1)) });
    const users = createUsersClient(usersUrl);
    users.use({ onRequest: () => void (calls.profileReads += 1) });
    const { Router } = await import('express');
    const ownRoutes = Router()
      .post('/checkouts', (_req, _res, next) => {
        arrived += 1;
        if (arrived === SUBMITS) allArrived();
        next();
      })
      .use(
        checkoutsRouter({
          // Temporal answers once every submit is in, so none can have finished before the last arrived; then it is away.
          temporal: async () => {
            calls.temporal += 1;
            await everyoneIsWaiting;
            throw new Error('Temporal is away');
          },
          taskQueue: 'unused',
          users,
          orders,
        }),
      );
    const gateway = createGatewayApp({
      logger: createLogger('gateway'),
      auth: jwksTokenVerifier(usersUrl),
      serviceUrls: Object.fromEntries(SERVICE_NAMES.map((name) => [name, stoppedUrl])) as Record<ServiceName, string>,
      publicUrl: 'http://gateway.test',
      rateLimits: { login: 100, signup: 100, checkout: 1000, general: 1000 },
      ownSpec: gatewaySpec,
      ownRoutes,
    });
    const shopper = await customer();
    const key = randomUUID();
    const body = { paymentMethodId: 'pm_card_visa', shippingAddress: { name: 'Ada Lovelace', line1: '12 Analytical Way', city: 'London', postalCode: 'N1 9GU', country: 'GB' } };
    const answers = await Promise.all(
      Array.from({ length: SUBMITS }, () => request(gateway).post('/checkouts').set('authorization', shopper.token).set('idempotency-key', key).send(body)),
    );
    expect(calls).toEqual({ recordWrites: 1, profileReads: 1, temporal: 1 });
    for (const answer of answers) expect(answer.status).toBe(503);
    expect(new Set(answers.map((answer) => answer.body.detail))).toEqual(new Set([expect.stringContaining('Temporal is away')]));
    // Another body under the same key is not the same submit: it is told the key was used for something else.
    const other = await request(gateway).post('/checkouts').set('authorization', shopper.token).set('idempotency-key', key).send({ ...body, paymentMethodId: 'pm_other' });
    expect(other.status).toBe(422);
    expect(other.body.type).toBe('idempotency-key-reused');
  });

  it('holds a submit for its outcome 5 s unless GATEWAY_CHECKOUT_WAIT_MS says otherwise, and refuses to start on a wait that is not a duration', () => {
    expect(checkoutWaitMs({})).toBe(5_000);
    expect(checkoutWaitMs({ GATEWAY_CHECKOUT_WAIT_MS: '30000' })).toBe(30_000);
    for (const bad of ['0', '-5', '1.5', 'soon', '600000']) expect(() => checkoutWaitMs({ GATEWAY_CHECKOUT_WAIT_MS: bad })).toThrow(/GATEWAY_CHECKOUT_WAIT_MS/);
  });
});

describe('docs', () => {
  it('serves the combined docs, each spec cut to the routed operations and pointed at the gateway', async () => {
    const page = await request(app).get('/docs/').expect(200);
    expect(page.text).toContain('Shop API');
    const orders = await request(app).get('/docs/specs/orders.json').expect(200);
    expect(orders.body.servers).toEqual([{ url: 'http://gateway.test' }]);
    expect(Object.keys(orders.body.paths['/orders/{orderId}'])).not.toContain('put');
    expect(orders.body.paths['/orders/{orderId}'].get).toBeDefined();
    const checkouts = await request(app).get('/docs/specs/checkouts.json').expect(200);
    expect(checkouts.body.paths['/checkouts'].post).toBeDefined();
    await request(app).get('/docs/specs/payments.json').expect(503);
  });

  it('lists on every routed operation the 429, 503 and 504 the gateway itself may answer', async () => {
    const orders = await request(app).get('/docs/specs/orders.json').expect(200);
    expect(Object.keys(orders.body.paths['/orders/{orderId}'].get.responses)).toEqual(expect.arrayContaining(['200', '404', '429', '503', '504']));
  });

  it('serves its own whole spec at /openapi.json: the checkouts and every routed operation, and nothing it does not route', async () => {
    const res = await request(app).get('/openapi.json').expect(200);
    const spec = res.body as { servers: unknown; paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    expect(spec.servers).toEqual([{ url: 'http://gateway.test' }]);
    const operations = Object.entries(spec.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => ['get', 'put', 'post', 'patch', 'delete'].includes(key))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    const routed = GATEWAY_ROUTES.map((route) => `${route.method} ${specPath(route.path)}`);
    const own = Object.entries(gatewaySpec.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => ['get', 'put', 'post', 'patch', 'delete'].includes(key))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(own).toEqual(expect.arrayContaining(['POST /checkouts', 'GET /checkouts/{checkoutId}', 'POST /checkouts/{checkoutId}/cancel', 'POST /web/sessions']));
    expect(operations.sort()).toEqual([...routed, ...own].sort());
    expect(Object.keys(spec.paths['/stock/{sku}']!.get!.responses)).toEqual(expect.arrayContaining(['429', '503', '504']));
    // Answered from the specs it was built with: a stopped service does not take it down.
    expect(spec.paths['/charges']!.get).toBeDefined();
  });
});
