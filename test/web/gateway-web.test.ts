/**
 * What the gateway does for the storefront: browser sessions with the refresh
 * token in an HttpOnly cookie (against the real users service), and the built
 * app's files with their caching and the app's own routes, never in the way
 * of the API.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import { startService, type RunningService } from '../../platform/service-main';
import { SERVICE_NAMES, type ServiceName } from '../../platform/services';
import { createLogger } from '../../platform/logger';
import { jwksTokenVerifier } from '../../platform/auth';
import { problemErrorHandler, routeNotFound } from '../../platform/http/app';
import { usersService } from '../../services/users/main';
import { createGatewayApp } from '../../gateway/app';
import { gatewaySpec } from '../../gateway/main';
import { storefrontFiles } from '../../gateway/web';
import { createTestDatabase } from '../support/database';
import { getFreePort } from '../support/ports';
import { specViolations } from '../support/openapi';

jest.setTimeout(60_000);

let users: RunningService;
let app: ReturnType<typeof createGatewayApp>;

beforeAll(async () => {
  users = await startService(usersService, { USERS_DATABASE_URL: await createTestDatabase('gateway_web_users'), PORT: '0' });
  const elsewhere = `http://127.0.0.1:${await getFreePort()}`;
  const serviceUrls = { ...Object.fromEntries(SERVICE_NAMES.map((name) => [name, elsewhere])), users: users.url } as Record<ServiceName, string>;
  app = createGatewayApp({
    logger: createLogger('gateway'),
    auth: jwksTokenVerifier(users.url),
    serviceUrls,
    publicUrl: 'http://gateway.test',
    rateLimits: { login: 100, signup: 100, checkout: 10, general: 1000 },
    ownSpec: gatewaySpec,
    trustProxy: true,
  });
});

afterAll(async () => {
  await users?.stop();
});

async function account(): Promise<{ email: string; password: string }> {
  const email = `web-${randomUUID()}@example.com`;
  const password = 'a long enough password';
  await request(app).post('/users').send({ email, password, name: 'Web Shopper' }).expect(201);
  return { email, password };
}

function refreshCookieOf(res: request.Response): string {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const cookie = cookies.find((line) => line.startsWith('shop_refresh='));
  if (!cookie) throw new Error(`no refresh cookie in ${JSON.stringify(cookies)}`);
  return cookie;
}

const cookiePair = (setCookie: string) => setCookie.split(';')[0]!;

describe('browser sessions', () => {
  it('logs in with the refresh token only in an HttpOnly, SameSite=Strict cookie scoped to /web/sessions', async () => {
    const { email, password } = await account();
    const res = await request(app).post('/web/sessions').set('sec-fetch-site', 'same-origin').send({ email: email.toUpperCase(), password }).expect(200);
    expect(specViolations(gatewaySpec, res)).toEqual([]);
    expect(res.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 900, user: { id: expect.any(String), email, name: 'Web Shopper', roles: ['customer'] } });
    expect(JSON.stringify(res.body)).not.toMatch(/refresh/i);
    expect(res.headers['cache-control']).toBe('no-store');
    const cookie = refreshCookieOf(res);
    expect(cookie).toMatch(/; Path=\/web\/sessions/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Max-Age=2592000/);
    // Plain HTTP here; behind TLS (X-Forwarded-Proto: https with trust proxy) the cookie is Secure.
    expect(cookie).not.toMatch(/Secure/);
    const overTls = await request(app).post('/web/sessions').set('x-forwarded-proto', 'https').send({ email, password }).expect(200);
    expect(refreshCookieOf(overTls)).toMatch(/; Secure/);
    // The access token works at the API.
    await request(app).get(`/users/${res.body.user.id}`).set('authorization', `Bearer ${res.body.accessToken}`).expect(200);
  });

  it('refreshes from the cookie, rotating it; the old cookie no longer works', async () => {
    const { email, password } = await account();
    const login = await request(app).post('/web/sessions').send({ email, password }).expect(200);
    const first = cookiePair(refreshCookieOf(login));
    const refreshed = await request(app).post('/web/sessions/refresh').set('cookie', first).set('sec-fetch-site', 'same-origin').expect(200);
    expect(specViolations(gatewaySpec, refreshed)).toEqual([]);
    expect(refreshed.body.user.email).toBe(email);
    const second = cookiePair(refreshCookieOf(refreshed));
    expect(second).not.toBe(first);
    // The used token is refused, the cookie cleared, and (as a reuse) the whole login ends: the new one is revoked too.
    const reused = await request(app).post('/web/sessions/refresh').set('cookie', first).expect(401);
    expect(specViolations(gatewaySpec, reused)).toEqual([]);
    expect(refreshCookieOf(reused)).toMatch(/shop_refresh=;.*Expires=Thu, 01 Jan 1970/);
    await request(app).post('/web/sessions/refresh').set('cookie', second).expect(401);
  });

  it('answers 401 without a cookie, and logging out revokes the token and clears the cookie', async () => {
    const none = await request(app).post('/web/sessions/refresh').expect(401);
    expect(none.body.type).toBe('not-signed-in');
    expect(specViolations(gatewaySpec, none)).toEqual([]);
    const { email, password } = await account();
    const cookie = cookiePair(refreshCookieOf(await request(app).post('/web/sessions').send({ email, password }).expect(200)));
    const out = await request(app).post('/web/sessions/logout').set('cookie', cookie).expect(204);
    expect(specViolations(gatewaySpec, out)).toEqual([]);
    expect(refreshCookieOf(out)).toMatch(/shop_refresh=;/);
    await request(app).post('/web/sessions/refresh').set('cookie', cookie).expect(401);
    // Logging out without a session is fine too.
    await request(app).post('/web/sessions/logout').expect(204);
  });

  it('refuses cross-site requests, by Sec-Fetch-Site or Origin', async () => {
    const { email, password } = await account();
    const bySite = await request(app).post('/web/sessions').set('sec-fetch-site', 'cross-site').send({ email, password }).expect(403);
    expect(bySite.body.type).toBe('cross-site-request');
    expect(specViolations(gatewaySpec, bySite)).toEqual([]);
    await request(app).post('/web/sessions/logout').set('sec-fetch-site', 'same-site').expect(403);
    await request(app).post('/web/sessions/refresh').set('host', 'shop.example').set('origin', 'https://evil.example').expect(403);
    await request(app).post('/web/sessions').set('host', 'shop.example').set('origin', 'http://shop.example').send({ email, password }).expect(200);
  });

  it('passes the users service\'s refusals on, and names a bad field', async () => {
    const { email } = await account();
    const wrong = await request(app).post('/web/sessions').send({ email, password: 'not the password' }).expect(401);
    expect(wrong.body.type).toBe('invalid-credentials');
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const bad = await request(app).post('/web/sessions').send({ email, password: 'x', extra: true }).expect(400);
    expect(bad.body.errors).toEqual([{ field: 'body.extra', message: 'is not a known field' }]);
    expect(specViolations(gatewaySpec, bad)).toEqual([]);
  });
});

describe('the storefront files', () => {
  let root: string;
  let files: express.Express;

  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'storefront-'));
    mkdirSync(path.join(root, 'assets'));
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>shop</title>');
    writeFileSync(path.join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(path.join(root, 'favicon.svg'), '<svg/>');
    writeFileSync(path.join(root, '.source-hash'), 'secret-ish');
    files = express();
    files.use(storefrontFiles({ root, ownSpec: gatewaySpec }));
    files.use(routeNotFound);
    files.use(problemErrorHandler);
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('caches hashed assets for a year and revalidates everything else', async () => {
    const asset = await request(files).get('/assets/index-abc123.js').expect(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const icon = await request(files).get('/favicon.svg').expect(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
    const index = await request(files).get('/').set('accept', 'text/html').expect(200);
    expect(index.text).toContain('<title>shop</title>');
    expect(index.headers['cache-control']).toBe('no-cache');
    await request(files).get('/.source-hash').expect(404);
  });

  it('answers the app\'s own routes with index.html, but not API paths, files, other methods or non-HTML requests', async () => {
    for (const page of ['/cart', '/product/MUG-TEMPORAL', '/checkout/7d1f0c3e-0000-8000-8000-000000000000', '/account/orders', '/search?q=mug']) {
      const res = await request(files).get(page).set('accept', 'text/html,application/xhtml+xml').expect(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
    }
    for (const api of ['/orders/1', '/products', '/checkouts/1', '/web/sessions', '/docs/x', '/carts/a']) {
      await request(files).get(api).set('accept', 'text/html').expect(404);
    }
    await request(files).get('/assets/missing.js').set('accept', 'text/html').expect(404);
    await request(files).get('/cart').set('accept', 'application/json').expect(404);
    await request(files).post('/cart').set('accept', 'text/html').expect(404);
  });

  it('says how to build the app when it is not built', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'storefront-empty-'));
    const unbuilt = express().use(storefrontFiles({ root: empty, ownSpec: gatewaySpec })).use(problemErrorHandler);
    const res = await request(unbuilt).get('/').set('accept', 'text/html').expect(503);
    expect(res.body).toMatchObject({ type: 'storefront-not-built', detail: expect.stringContaining('npm run build:web') });
    rmSync(empty, { recursive: true, force: true });
  });

  it('leaves API paths to the API at the gateway, even when a browser asks for HTML', async () => {
    const res = await request(app).get('/orders').set('accept', 'text/html').expect(401);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });
});
