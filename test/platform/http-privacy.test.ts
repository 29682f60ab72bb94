/**
 * What the shop's HTTP layer lets out about customers: access logs carry no
 * query values (e-mail addresses and phone numbers travel in queries) and no
 * credentials, and every response that can carry personal data says
 * `Cache-Control: no-store`, in the services and at the gateway. Real users,
 * orders and notifications services, on their own databases; the gateway in front.
 */
import { randomUUID } from 'node:crypto';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { jwksTokenVerifier } from '../../platform/auth';
import { redactQueryString, requestLogging } from '../../platform/http/app';
import type { Logger } from '../../platform/logger';
import { startService, type RunningService, type ServiceDefinition } from '../../platform/service-main';
import { SERVICE_NAMES, type ServiceName } from '../../platform/services';
import { createGatewayApp } from '../../gateway/app';
import { gatewaySpec } from '../../gateway/main';
import { notificationsService } from '../../services/notifications/main';
import { ordersService } from '../../services/orders/main';
import { usersService } from '../../services/users/main';
import { asSupport } from '../support/auth';
import { createTestDatabase } from '../support/database';
import { getFreePort } from '../support/ports';
import { serviceUnderTest, type ServiceUnderTest } from '../support/service';

/** A logger that keeps its lines, at info whatever LOG_LEVEL says. */
function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: pino({ level: 'info' }, { write: (line: string) => lines.push(line) }), lines };
}

describe('query strings in access logs', () => {
  it.each([
    ['/users?email=ada%40shop.example', '/users?email=[redacted]'],
    ['/mailbox/sms?to=%2B441234567890&limit=5', '/mailbox/sms?to=[redacted]&limit=[redacted]'],
    ['/orders', '/orders'],
    ['/orders?', '/orders?'],
  ])('%s is logged as %s', (url, logged) => {
    expect(redactQueryString(url)).toBe(logged);
  });

  it('keep the names and lose the values, in the url and the parsed query alike', async () => {
    const { logger, lines } = capturingLogger();
    const app = express();
    app.use(requestLogging(logger));
    app.get('/users', (_req, res) => res.json({}));
    await request(app)
      .get('/users?email=ada@shop.example&role=support')
      .set('authorization', 'Bearer secret-token')
      .set('cookie', 'session=secret-cookie')
      .set('proxy-authorization', 'Basic secret-proxy')
      .set('user-agent', 'privacy-test')
      .expect(200);
    const logged = lines.join('\n');
    expect(logged).not.toContain('ada@shop.example');
    expect(logged).not.toContain('secret-token');
    expect(logged).not.toContain('secret-cookie');
    expect(logged).not.toContain('secret-proxy');
    const line = JSON.parse(lines.find((entry) => entry.includes('request completed'))!);
    expect(line.req.url).toBe('/users?email=[redacted]&role=[redacted]');
    expect(line.req.query).toEqual({ email: '[redacted]', role: '[redacted]' });
    expect(line.req.headers).toMatchObject({ authorization: '[redacted]', cookie: '[redacted]', 'proxy-authorization': '[redacted]', 'user-agent': 'privacy-test' });
  });

  it('keep credentials out of every line logged through the request, and leave the request itself alone', async () => {
    const { logger, lines } = capturingLogger();
    const app = express();
    app.use(requestLogging(logger));
    app.get('/orders', (req, res) => {
      req.log.warn('a line of the route');
      res.json({ authorization: req.headers.authorization });
    });
    const res = await request(app).get('/orders').set('authorization', 'Bearer secret-token').expect(200);
    // The route still reads the caller's credentials; only the log lost them.
    expect(res.body).toEqual({ authorization: 'Bearer secret-token' });
    const route = JSON.parse(lines.find((entry) => entry.includes('a line of the route'))!);
    expect(route.req.headers.authorization).toBe('[redacted]');
    expect(lines.join('\n')).not.toContain('secret-token');
  });
});

describe('the real services and the gateway', () => {
  const running: RunningService[] = [];
  let users: RunningService;
  let notifications: ServiceUnderTest;
  const notificationsLog = capturingLogger();
  const gatewayLog = capturingLogger();
  let gateway: express.Express;

  beforeAll(async () => {
    const start = async (definition: ServiceDefinition, env: Record<string, string> = {}) => {
      const service = await startService(definition, { [`${definition.name.toUpperCase()}_DATABASE_URL`]: await createTestDatabase(`privacy_${definition.name}`), PORT: '0', ...env });
      running.push(service);
      return service;
    };
    users = await start(usersService);
    const orders = await start(ordersService, { USERS_URL: users.url });
    notifications = await serviceUnderTest(notificationsService, { logger: notificationsLog.logger });
    const nowhere = `http://127.0.0.1:${await getFreePort()}`;
    const serviceUrls = Object.fromEntries(SERVICE_NAMES.map((name) => [name, nowhere])) as Record<ServiceName, string>;
    Object.assign(serviceUrls, { users: users.url, orders: orders.url });
    gateway = createGatewayApp({
      logger: gatewayLog.logger,
      auth: jwksTokenVerifier(users.url),
      serviceUrls,
      publicUrl: 'http://gateway.test',
      rateLimits: { login: 100, signup: 100, checkout: 10, general: 1000 },
      ownSpec: gatewaySpec,
    });
  });

  afterAll(async () => {
    await notifications?.close();
    await Promise.all(running.map((service) => service.stop()));
  });

  async function signUp() {
    const email = `private-${randomUUID()}@example.com`;
    const password = 'a long enough password';
    const signedUp = await request(gateway).post('/users').send({ email, password, name: 'Private Person' });
    expect(signedUp.status).toBe(201);
    expect(signedUp.headers['cache-control']).toBe('no-store');
    const session = await request(gateway).post('/sessions').send({ email, password });
    expect(session.status).toBe(200);
    expect(session.headers['cache-control']).toBe('no-store');
    return { email, id: session.body.user.id as string, token: `Bearer ${session.body.accessToken as string}` };
  }

  it('log a support lookup by phone number without the number (a service)', async () => {
    const phone = `+4477${String(Date.now()).slice(-8)}`;
    const res = await request(notifications.app).get(`/mailbox/sms?to=${encodeURIComponent(phone)}`).set('authorization', await asSupport());
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const logged = notificationsLog.lines.join('\n');
    expect(logged).toContain('/mailbox/sms?to=[redacted]');
    expect(logged).not.toContain(phone);
    expect(logged).not.toContain(encodeURIComponent(phone));
  });

  it('log a lookup by e-mail through the gateway without the e-mail', async () => {
    const { email, token } = await signUp();
    const res = await request(gateway).get(`/users?email=${encodeURIComponent(email)}`).set('authorization', token);
    // A customer may not search users; what matters is what the log kept.
    expect(res.status).toBe(403);
    const logged = gatewayLog.lines.join('\n');
    expect(logged).toContain('/users?email=[redacted]');
    expect(logged).not.toContain(email);
    expect(logged).not.toContain(encodeURIComponent(email));
  });

  it('mark every answer to a signed-in caller no-store: profiles, orders, also errors', async () => {
    const { id, token } = await signUp();
    for (const path of [`/users/${id}`, '/orders', `/orders/${randomUUID()}`]) {
      const res = await request(gateway).get(path).set('authorization', token);
      expect([path, res.headers['cache-control']]).toEqual([path, 'no-store']);
    }
    // Straight at the service, without the gateway in between.
    const direct = await fetch(`${users.url}/users/${id}`, { headers: { authorization: token } });
    expect(direct.status).toBe(200);
    expect(direct.headers.get('cache-control')).toBe('no-store');
  });

  it('leave public reads cacheable', async () => {
    const jwks = await request(gateway).get('/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    expect(jwks.headers['cache-control']).toBe('public, max-age=300');
  });
});
