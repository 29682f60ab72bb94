/**
 * The codec server as the Temporal UI and the CLI meet it: the real process
 * entry (config from the environment) over HTTP, tokens from a real users
 * service. Only support and admin staff get payloads decoded; CORS answers
 * only the UI's origin; staff sign in for a cookie the UI sends; and nothing
 * it logs holds a payload or a credential.
 */
import { randomUUID } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import pino from 'pino';
import request from 'supertest';
import { startService, type RunningService } from '../../platform/service-main';
import { newKeyEntry } from '../../platform/secrets';
import { EncryptionCodec, ENCRYPTED_ENCODING } from '../../platform/temporal-codec';
import { parseKeyList } from '../../platform/secrets';
import { usersService } from '../../services/users/main';
import { codecServerConfig, startCodecServer, type RunningCodecServer } from '../../codec-server/main';
import { createTestDatabase } from '../support/database';

const UI = 'http://127.0.0.1:18233';
const CODEC_KEYS = newKeyEntry('codec-test');
const SERVICE_CLIENT_SECRET = `codec-${randomUUID()}`;
const ADMIN = { email: 'codec-admin@shop.test', password: 'the codec admin password' };
const secret = { customerEmail: 'grace.hopper@example.com', line1: '1 Compiler Court' };

let users: RunningService;
let codecServer: RunningCodecServer;
const logLines: string[] = [];
/** Encrypts as the worker and the gateway do, with the same keys. */
const codec = new EncryptionCodec(parseKeyList(CODEC_KEYS, 'test'));
const accounts: Record<'customer' | 'support' | 'admin', { email: string; password: string; token: string }> = {} as never;

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${users.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

async function logIn(email: string, password: string): Promise<{ accessToken: string; user: { id: string } }> {
  return (await (await post('/sessions', { email, password })).json()) as { accessToken: string; user: { id: string } };
}

beforeAll(async () => {
  users = await startService(usersService, {
    USERS_DATABASE_URL: await createTestDatabase('codec_users'),
    PORT: '0',
    SERVICE_CLIENT_SECRET,
    BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
    BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
  });
  const admin = await logIn(ADMIN.email, ADMIN.password);
  accounts.admin = { ...ADMIN, token: admin.accessToken };
  for (const role of ['customer', 'support'] as const) {
    const email = `${role}-${randomUUID()}@example.com`;
    const password = `a ${role} password`;
    expect((await post('/users', { email, password, name: `A ${role}` })).status).toBe(201);
    if (role === 'support') {
      const { user } = await logIn(email, password);
      const set = await fetch(`${users.url}/users/${user.id}/roles`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.accessToken}` }, body: JSON.stringify({ roles: ['support'] }) });
      expect(set.status).toBe(200);
    }
    accounts[role] = { email, password, token: (await logIn(email, password)).accessToken };
  }
  codecServer = await startCodecServer(
    { USERS_URL: users.url, CODEC_SERVER_PORT: '0', TEMPORAL_CODEC_KEYS: CODEC_KEYS, CODEC_SERVER_UI_ORIGINS: UI, CODEC_SERVER_PUBLIC_URL: 'http://127.0.0.1:18234' },
    { logger: pino({ level: 'info' }, { write: (line: string) => logLines.push(line) }) },
  );
});

afterAll(async () => {
  await codecServer?.stop();
  await users?.stop();
});

const toJson = (payloads: Payload[]) => ({
  payloads: payloads.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value!).toString('base64')])),
    data: Buffer.from(p.data ?? []).toString('base64'),
  })),
});
const fromJson = (body: { payloads: { metadata: Record<string, string>; data: string }[] }): Payload[] =>
  body.payloads.map((p) => ({ metadata: Object.fromEntries(Object.entries(p.metadata).map(([key, value]) => [key, Buffer.from(value, 'base64')])), data: Buffer.from(p.data, 'base64') }));

const server = () => request(codecServer.server);
let encryptedBody: ReturnType<typeof toJson>;

async function decodeAs(auth: Record<string, string>) {
  encryptedBody ??= toJson(await codec.encode([defaultPayloadConverter.toPayload(secret)]));
  return server().post('/codec/decode?preserveStorageRefs=true').set({ 'x-namespace': 'default', ...auth }).send(encryptedBody);
}

describe('who may decode', () => {
  it('refuses a request without a token, and says how to sign in', async () => {
    const res = await decodeAs({});
    expect(res.status).toBe(401);
    expect(res.body.detail).toContain('http://127.0.0.1:18234/codec/');
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('refuses a customer, a bad token and a service', async () => {
    expect((await decodeAs({ authorization: `Bearer ${accounts.customer.token}` })).status).toBe(403);
    expect((await decodeAs({ authorization: 'Bearer not-a-token' })).status).toBe(401);
    const service = await fetch(`${users.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'worker', client_secret: SERVICE_CLIENT_SECRET }),
    });
    const { access_token } = (await service.json()) as { access_token: string };
    expect((await decodeAs({ authorization: `Bearer ${access_token}` })).status).toBe(403);
  });

  it.each(['support', 'admin'] as const)('decodes for %s staff, with no-store', async (role) => {
    const res = await decodeAs({ authorization: `Bearer ${accounts[role].token}` });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const [decoded] = fromJson(res.body);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(secret);
  });

  it('encodes for staff (the UI encodes what support sends), as the shop encrypts', async () => {
    const plain = toJson([defaultPayloadConverter.toPayload({ reason: 'provider back', actor: 'sam@shop.example' })]);
    const res = await server().post('/codec/encode').set('authorization', `Bearer ${accounts.support.token}`).send(plain);
    expect(res.status).toBe(200);
    const [encoded] = fromJson(res.body);
    expect(Buffer.from(encoded!.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
    expect(defaultPayloadConverter.fromPayload((await codec.decode([encoded!]))[0]!)).toEqual({ reason: 'provider back', actor: 'sam@shop.example' });
  });

  it('answers a payload under an unknown key with 422 naming the key, and a malformed one with 400 naming the field', async () => {
    const foreign = new EncryptionCodec(parseKeyList(newKeyEntry('elsewhere'), 'other'));
    const unknown = await server().post('/codec/decode').set('authorization', `Bearer ${accounts.support.token}`).send(toJson(await foreign.encode([defaultPayloadConverter.toPayload(1)])));
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({ type: 'unknown-codec-key', detail: expect.stringContaining("'elsewhere'") });
    const malformed = await server().post('/codec/decode').set('authorization', `Bearer ${accounts.support.token}`).send({ payloads: [{ data: '%%%' }] });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([{ field: 'body.payloads[0].data', message: 'must be base64' }]);
  });
});

describe('CORS', () => {
  it('answers the preflight of the Temporal UI, with credentials', async () => {
    const res = await server()
      .options('/codec/decode')
      .set({ origin: UI, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace,authorization' });
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(UI);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers['access-control-allow-headers']).toContain('x-namespace');
    expect(res.headers['access-control-allow-headers']).toContain('authorization');
  });

  it('says nothing to another origin, and refuses its requests outright', async () => {
    const preflight = await server().options('/codec/decode').set({ origin: 'https://evil.example', 'access-control-request-method': 'POST' });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const res = await decodeAs({ origin: 'https://evil.example', authorization: `Bearer ${accounts.support.token}` });
    expect(res.status).toBe(403);
    expect(res.body.type).toBe('origin-not-allowed');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets the UI read the answer', async () => {
    const res = await decodeAs({ origin: UI, authorization: `Bearer ${accounts.support.token}` });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(UI);
  });
});

describe('signing in for the UI', () => {
  const signIn = (email: string, password: string) => server().post('/codec/session').type('form').send({ email, password });

  it('gives staff an HttpOnly, SameSite=Strict cookie for /codec that the UI then sends', async () => {
    const res = await signIn(accounts.support.email, accounts.support.password);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/codec/');
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((line) => line.startsWith('codec_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/codec/);
    expect(cookie).toMatch(/Max-Age=900/);
    const session = cookie.split(';')[0]!;

    const page = await server().get('/codec/').set('cookie', session);
    expect(page.text).toContain(`Signed in as <strong>${accounts.support.email}</strong> (support)`);
    expect(page.headers['cache-control']).toBe('no-store');
    const decoded = await decodeAs({ origin: UI, cookie: session });
    expect(decoded.status).toBe(200);
    expect(defaultPayloadConverter.fromPayload(fromJson(decoded.body)[0]!)).toEqual(secret);
  });

  it('refuses a customer and a wrong password, with no cookie', async () => {
    const customer = await signIn(accounts.customer.email, accounts.customer.password);
    expect(customer.status).toBe(403);
    expect(customer.text).toContain('Only support and admin staff');
    expect(customer.headers['set-cookie']).toBeUndefined();
    const wrong = await signIn(accounts.support.email, 'not the password');
    expect(wrong.status).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a sign-in posted from another site', async () => {
    const res = await server().post('/codec/session').set('sec-fetch-site', 'cross-site').type('form').send({ email: accounts.support.email, password: accounts.support.password });
    expect(res.status).toBe(403);
  });
});

it('logs who decoded, and never a payload or a credential', async () => {
  await decodeAs({ authorization: `Bearer ${accounts.support.token}` });
  const logged = logLines.join('\n');
  expect(logged).toContain('codec: decoded payloads for staff');
  for (const leak of [secret.customerEmail, secret.line1, encryptedBody.payloads[0]!.data, accounts.support.token, accounts.support.password, accounts.admin.token]) {
    expect(logged).not.toContain(leak);
  }
});

it('refuses a UI origin that is not an origin', () => {
  expect(() => codecServerConfig({ CODEC_SERVER_UI_ORIGINS: 'not a url' })).toThrow(/CODEC_SERVER_UI_ORIGINS/);
  expect(codecServerConfig({ TEMPORAL_UI_PORT: '9233' }).uiOrigins).toEqual(['http://127.0.0.1:9233']);
});
