import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type express from 'express';
import { verify as argon2Verify } from '@node-rs/argon2';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, type JSONWebKeySet } from 'jose';
import pino from 'pino';
import request from 'supertest';
import type { AddressInfo } from 'node:net';
import { createTokenVerifier, jwksTokenVerifier, type Role } from '../../platform/auth';
import { clientCredentialsTokenSource } from '../../platform/service-token';
import { createUsersClient } from './client';
import { prepareServiceDatabase } from '../../platform/db';
import type { MikroORM } from '@mikro-orm/postgresql';
import { signTestToken } from '../../test/support/auth';
import { createTestDatabase } from '../../test/support/database';
import { expectToMatchSpec } from '../../test/support/openapi';
import { serviceUnderTest, type ServiceUnderTest } from '../../test/support/service';
import type { components } from './api.gen';
import { usersSpec } from './app';
import { RefreshToken, User } from './entities';
import { addSigningKey, KEY_RELOAD_COOLDOWN_MS, signingKeyRing } from './keys';
import { usersService } from './main';
import { ACCESS_TOKEN_TTL, signAccessToken } from './tokens';

type Session = components['schemas']['Session'];
type UserView = components['schemas']['User'];

const SERVICE_SECRET = `test-secret-${randomUUID()}`;
const ADMIN = { email: 'root@shop.example', password: 'the admin password' };
const PASSWORD = 'a long enough password';

let service: ServiceUnderTest;

beforeAll(async () => {
  service = await serviceUnderTest(usersService, {
    env: { SERVICE_CLIENT_SECRET: SERVICE_SECRET, BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password },
  });
});
afterAll(async () => {
  await service.close();
});

const conforms = <T extends request.Response>(res: T): T => {
  expectToMatchSpec(usersSpec, res);
  return res;
};
const api = (app: express.Express = service.app) => request(app);
const bearer = (session: Session) => `Bearer ${session.accessToken}`;
const uniqueEmail = (name = 'ada') => `${name}-${randomUUID()}@example.com`;

async function signUp(body: Partial<components['schemas']['SignUpRequest']> = {}, app?: express.Express): Promise<UserView> {
  const res = conforms(await api(app).post('/users').send({ email: uniqueEmail(), password: PASSWORD, name: 'Ada Lovelace', ...body }).expect(201));
  return res.body as UserView;
}

async function logIn(email: string, password = PASSWORD, app?: express.Express): Promise<Session> {
  return conforms(await api(app).post('/sessions').send({ email, password }).expect(200)).body as Session;
}

/** A new user with a session, optionally given other roles by the admin first. */
async function newUser(roles?: Role[]): Promise<{ user: UserView; session: Session }> {
  const user = await signUp();
  if (roles) {
    const admin = await logIn(ADMIN.email, ADMIN.password);
    conforms(await api().put(`/users/${user.id}/roles`).set('authorization', bearer(admin)).send({ roles }).expect(200));
  }
  return { user, session: await logIn(user.email) };
}

async function jwks(app: express.Express = service.app): Promise<JSONWebKeySet> {
  return conforms(await api(app).get('/.well-known/jwks.json').expect(200)).body as JSONWebKeySet;
}

describe('signing up and logging in', () => {
  it('signs up, logs in, and the access token verifies against the served JWKS', async () => {
    const email = uniqueEmail();
    const res = conforms(await api().post('/users').send({ email, password: PASSWORD, name: 'Ada Lovelace', phone: '+441234567890' }).expect(201));
    const user = res.body as UserView;
    expect(user).toMatchObject({ email, name: 'Ada Lovelace', phone: '+441234567890', roles: ['customer'], addresses: [] });
    expect(res.headers.location).toBe(`/users/${user.id}`);
    expect(JSON.stringify(user)).not.toMatch(/password/i);

    const session = await logIn(email);
    expect(session).toMatchObject({ tokenType: 'Bearer', expiresIn: ACCESS_TOKEN_TTL, user });
    const keys = await jwks();
    const principal = await createTokenVerifier(createLocalJWKSet(keys)).verify(session.accessToken);
    expect(principal).toEqual({ subject: user.id, roles: ['customer'] });

    const header = decodeProtectedHeader(session.accessToken);
    expect(header).toMatchObject({ alg: 'ES256' });
    expect(keys.keys.map((key) => key.kid)).toContain(header.kid);
    const claims = decodeJwt(session.accessToken);
    expect(claims).toMatchObject({ sub: user.id, email, roles: ['customer'], iss: 'shop-users', aud: 'shop' });
    expect(claims.exp! - claims.iat!).toBe(ACCESS_TOKEN_TTL);
    expect(claims.jti).toEqual(expect.any(String));
    for (const key of keys.keys) expect(key).not.toHaveProperty('d');

    conforms(await api().get(`/users/${user.id}`).set('authorization', bearer(session)).expect(200));
  });

  it('stores the e-mail in lower case and logs in with any case; blanks around it are refused, as the spec says', async () => {
    const local = `Grace.${randomUUID()}`;
    const padded = conforms(await api().post('/users').send({ email: `  ${local}@Example.COM `, password: PASSWORD, name: 'Grace' }).expect(400));
    expect(padded.body.errors).toEqual([expect.objectContaining({ field: 'body.email' })]);
    const user = await signUp({ email: `${local}@Example.COM` });
    expect(user.email).toBe(`${local.toLowerCase()}@example.com`);
    const session = await logIn(`${local.toUpperCase()}@EXAMPLE.com`);
    expect(session.user.id).toBe(user.id);
  });

  it('refuses an e-mail registered already, in any case', async () => {
    const email = uniqueEmail();
    await signUp({ email });
    for (const again of [email, email.toUpperCase()]) {
      const res = conforms(await api().post('/users').send({ email: again, password: PASSWORD, name: 'Someone else' }).expect(409));
      expect(res.body.type).toBe('email-taken');
    }
  });

  it('creates exactly one account when 20 sign-ups race for one e-mail', async () => {
    const email = uniqueEmail('race');
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => api().post('/users').send({ email: i % 2 ? email.toUpperCase() : email, password: PASSWORD, name: `Racer ${i}` })),
    );
    responses.forEach(conforms);
    const statuses = responses.map((res) => res.status).sort();
    expect(statuses).toEqual([201, ...Array(19).fill(409)]);
    expect(await service.orm.em.fork().count(User, { email })).toBe(1);
  });

  it('answers a wrong password and an unknown e-mail with the same 401', async () => {
    const user = await signUp();
    const wrongPassword = conforms(await api().post('/sessions').send({ email: user.email, password: 'not the password' }).expect(401));
    const unknownEmail = conforms(await api().post('/sessions').send({ email: uniqueEmail('nobody'), password: PASSWORD }).expect(401));
    expect(wrongPassword.body).toEqual(unknownEmail.body);
    expect(wrongPassword.body).toMatchObject({ type: 'invalid-credentials', detail: 'Email or password is wrong' });
  });

  it('stores an argon2id hash, never the password', async () => {
    const user = await signUp();
    const stored = await service.orm.em.fork().findOneOrFail(User, { id: user.id });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(stored.passwordHash).not.toContain(PASSWORD);
    await expect(argon2Verify(stored.passwordHash, PASSWORD)).resolves.toBe(true);
  });

  it('treats passwords in NFKC, so another encoding of the same characters logs in', async () => {
    // "ﬁ" (U+FB01) is "fi" under NFKC.
    const user = await signUp({ password: 'ﬁne long password' });
    await logIn(user.email, 'fine long password');
  });

  it('counts a password’s length as sent, in characters, as the spec does (found by the fuzzer)', async () => {
    // 9 characters as sent; NFKC makes "¨" two (a space and a combining diaeresis), and 😀 is two UTF-16 units.
    const short = conforms(await api().post('/users').send({ email: uniqueEmail(), password: 'ab😀cdefg¨', name: 'Short' }).expect(400));
    expect(short.body.errors).toEqual([{ field: 'body.password', message: 'must be at least 10 characters' }]);
    // 128 characters as sent, 256 UTF-16 units: the spec allows it.
    const long = await signUp({ password: '😀'.repeat(128) });
    await logIn(long.email, '😀'.repeat(128));
    conforms(await api().post('/users').send({ email: uniqueEmail(), password: '😀'.repeat(129), name: 'Long' }).expect(400));
  });
});

describe('refresh tokens', () => {
  it('rotates: a refresh answers new tokens and the old refresh token stops working', async () => {
    const user = await signUp();
    const first = await logIn(user.email);
    const second = conforms(await api().post('/sessions/refresh').send({ refreshToken: first.refreshToken }).expect(200)).body as Session;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.user.id).toBe(user.id);
    expect(second.refreshTokenExpiresIn).toBe(30 * 24 * 3600);
    await createTokenVerifier(createLocalJWKSet(await jwks())).verify(second.accessToken);

    const reuse = conforms(await api().post('/sessions/refresh').send({ refreshToken: first.refreshToken }).expect(401));
    expect(reuse.body.type).toBe('invalid-refresh-token');
    // The reuse means the token leaked: the whole login is revoked, the new token with it.
    conforms(await api().post('/sessions/refresh').send({ refreshToken: second.refreshToken }).expect(401));
  });

  it('stores only the SHA-256 of refresh tokens', async () => {
    const user = await signUp();
    const session = await logIn(user.email);
    const rows = await service.orm.em.fork().find(RefreshToken, { userId: user.id });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(session.refreshToken);
  });

  it('gives one new pair when one refresh token is used twice at once', async () => {
    const user = await signUp();
    const session = await logIn(user.email);
    const responses = await Promise.all([1, 2, 3].map(() => api().post('/sessions/refresh').send({ refreshToken: session.refreshToken })));
    responses.forEach(conforms);
    expect(responses.filter((res) => res.status === 200)).toHaveLength(1);
  });

  it('logs out: the refresh token stops working, and logging out again is fine', async () => {
    const user = await signUp();
    const session = await logIn(user.email);
    conforms(await api().post('/sessions/logout').send({ refreshToken: session.refreshToken }).expect(204));
    conforms(await api().post('/sessions/refresh').send({ refreshToken: session.refreshToken }).expect(401));
    conforms(await api().post('/sessions/logout').send({ refreshToken: session.refreshToken }).expect(204));
    conforms(await api().post('/sessions/logout').send({ refreshToken: 'never-issued' }).expect(204));
    // Another login of the same user is not affected.
    const other = await logIn(user.email);
    conforms(await api().post('/sessions/refresh').send({ refreshToken: other.refreshToken }).expect(200));
  });

  it('refuses an unknown refresh token', async () => {
    const res = conforms(await api().post('/sessions/refresh').send({ refreshToken: 'made-up' }).expect(401));
    expect(res.body.type).toBe('invalid-refresh-token');
  });

  it('puts the roles the user has now into a refreshed token', async () => {
    const { user, session } = await newUser();
    const admin = await logIn(ADMIN.email, ADMIN.password);
    conforms(await api().put(`/users/${user.id}/roles`).set('authorization', bearer(admin)).send({ roles: ['customer', 'support'] }).expect(200));
    const refreshed = conforms(await api().post('/sessions/refresh').send({ refreshToken: session.refreshToken }).expect(200)).body as Session;
    expect(decodeJwt(refreshed.accessToken).roles).toEqual(['customer', 'support']);
  });
});

describe('service tokens (client credentials)', () => {
  const form = (fields: Record<string, string>) => api().post('/oauth/token').type('form').send(fields);

  it('issues a service token for a known client with the right secret, form-encoded or JSON', async () => {
    const res = conforms(await form({ grant_type: 'client_credentials', client_id: 'worker', client_secret: SERVICE_SECRET }).expect(200));
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: ACCESS_TOKEN_TTL });
    const principal = await createTokenVerifier(createLocalJWKSet(await jwks())).verify(res.body.access_token);
    expect(principal).toEqual({ subject: 'service:worker', roles: ['service'] });

    const json = conforms(await api().post('/oauth/token').send({ grant_type: 'client_credentials', client_id: 'orders', client_secret: SERVICE_SECRET }).expect(200));
    expect(decodeJwt(json.body.access_token).sub).toBe('service:orders');
  });

  it('refuses a wrong secret and an unknown client alike, as invalid_client', async () => {
    const wrongSecret = conforms(await form({ grant_type: 'client_credentials', client_id: 'worker', client_secret: 'guess' }).expect(401));
    const unknownClient = conforms(await form({ grant_type: 'client_credentials', client_id: 'intruder', client_secret: SERVICE_SECRET }).expect(401));
    expect(wrongSecret.body).toMatchObject({ error: 'invalid_client', status: 401 });
    expect(unknownClient.body).toEqual(wrongSecret.body);
    expect(wrongSecret.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('refuses other grants and missing parameters with RFC 6749 codes', async () => {
    const grant = conforms(await form({ grant_type: 'password', client_id: 'worker', client_secret: SERVICE_SECRET }).expect(400));
    expect(grant.body.error).toBe('unsupported_grant_type');
    const missing = conforms(await form({ grant_type: 'client_credentials', client_id: 'worker' }).expect(400));
    expect(missing.body).toMatchObject({ error: 'invalid_request', errors: [{ field: 'body.client_secret' }] });
    const empty = conforms(await api().post('/oauth/token').expect(400));
    expect(empty.body.error).toBe('invalid_request');
  });

  it('lets a service read a profile with its token', async () => {
    const user = await signUp();
    const token = conforms(await form({ grant_type: 'client_credentials', client_id: 'orders', client_secret: SERVICE_SECRET }).expect(200)).body;
    conforms(await api().get(`/users/${user.id}`).set('authorization', `Bearer ${token.access_token}`).expect(200));
    // But not change it.
    conforms(await api().patch(`/users/${user.id}`).set('authorization', `Bearer ${token.access_token}`).send({ name: 'X' }).expect(403));
  });
});

describe('over HTTP, as the other services use it', () => {
  it('gives the platform token source a token that the platform JWKS verifier accepts; the typed client works with it', async () => {
    const server = service.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const usersUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const token = clientCredentialsTokenSource({ usersUrl, clientId: 'gateway', clientSecret: SERVICE_SECRET });
      const principal = await jwksTokenVerifier(usersUrl).verify(await token());
      expect(principal).toEqual({ subject: 'service:gateway', roles: ['service'] });

      const user = await signUp();
      const client = createUsersClient(usersUrl, { accessToken: token });
      const { data, response } = await client.GET('/users/{userId}', { params: { path: { userId: user.id } } });
      expect(response.status).toBe(200);
      expect(data).toEqual(user);

      const refused = clientCredentialsTokenSource({ usersUrl, clientId: 'gateway', clientSecret: 'wrong' });
      await expect(refused()).rejects.toThrow(/401/);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('profiles', () => {
  const address = { label: 'Home', name: 'Ada Lovelace', line1: '12 Analytical Way', city: 'London', postalCode: 'N1 9GU', country: 'GB' };

  it('lets a user read and change their own profile; phone null removes it', async () => {
    const { user, session } = await newUser();
    const read = conforms(await api().get(`/users/${user.id}`).set('authorization', bearer(session)).expect(200));
    expect(read.body).toEqual(user);

    const patched = conforms(
      await api().patch(`/users/${user.id}`).set('authorization', bearer(session)).send({ name: 'Ada King', phone: '+15555550100', addresses: [address] }).expect(200),
    );
    expect(patched.body).toMatchObject({ name: 'Ada King', phone: '+15555550100', addresses: [address], email: user.email });
    const cleared = conforms(await api().patch(`/users/${user.id}`).set('authorization', bearer(session)).send({ phone: null }).expect(200));
    expect(cleared.body).not.toHaveProperty('phone');
    expect(cleared.body).toMatchObject({ name: 'Ada King', addresses: [address] });
    const again = conforms(await api().get(`/users/${user.id.toUpperCase()}`).set('authorization', bearer(session)).expect(200));
    expect(again.body).toEqual(cleared.body);
  });

  it('refuses one customer reading or changing another', async () => {
    const a = await newUser();
    const b = await newUser();
    const read = conforms(await api().get(`/users/${b.user.id}`).set('authorization', bearer(a.session)).expect(403));
    expect(read.body.type).toBe('forbidden');
    conforms(await api().patch(`/users/${b.user.id}`).set('authorization', bearer(a.session)).send({ name: 'Mallory' }).expect(403));
    conforms(await api().put(`/users/${b.user.id}/roles`).set('authorization', bearer(a.session)).send({ roles: ['admin'] }).expect(403));
    const unchanged = conforms(await api().get(`/users/${b.user.id}`).set('authorization', bearer(b.session)).expect(200));
    expect(unchanged.body.name).toBe('Ada Lovelace');
  });

  it('lets support read anyone and find them by e-mail, but not change them', async () => {
    const customer = await newUser();
    const support = await newUser(['support']);
    conforms(await api().get(`/users/${customer.user.id}`).set('authorization', bearer(support.session)).expect(200));
    conforms(await api().patch(`/users/${customer.user.id}`).set('authorization', bearer(support.session)).send({ name: 'X' }).expect(403));
    const found = conforms(
      await api().get('/users').query({ email: customer.user.email.toUpperCase() }).set('authorization', bearer(support.session)).expect(200),
    );
    expect(found.body).toMatchObject({ total: 1, limit: 50, offset: 0, items: [{ id: customer.user.id }] });
    const page = conforms(await api().get('/users').query({ limit: 2, offset: 1 }).set('authorization', bearer(support.session)).expect(200));
    expect(page.body.items).toHaveLength(2);
    expect(page.body.total).toBeGreaterThanOrEqual(3);
    conforms(await api().get('/users').set('authorization', bearer(customer.session)).expect(403));
  });

  it('lets an admin change anyone and set roles; a customer cannot set roles', async () => {
    const { user, session } = await newUser();
    const admin = await logIn(ADMIN.email, ADMIN.password);
    conforms(await api().patch(`/users/${user.id}`).set('authorization', bearer(admin)).send({ name: 'Renamed' }).expect(200));
    const roles = conforms(await api().put(`/users/${user.id}/roles`).set('authorization', bearer(admin)).send({ roles: ['support', 'admin'] }).expect(200));
    expect(roles.body.roles).toEqual(['support', 'admin']);
    expect((await logIn(user.email)).user.roles).toEqual(['support', 'admin']);

    const other = await signUp();
    conforms(await api().put(`/users/${other.id}/roles`).set('authorization', bearer(session)).send({ roles: ['admin'] }).expect(403));
    const service = conforms(await api().put(`/users/${other.id}/roles`).set('authorization', bearer(admin)).send({ roles: ['service'] }).expect(400));
    expect(service.body.errors[0].field).toBe('body.roles[0]');
    conforms(await api().put(`/users/${randomUUID()}/roles`).set('authorization', bearer(admin)).send({ roles: ['customer'] }).expect(404));
  });

  it('wants a valid token on profile routes', async () => {
    const user = await signUp();
    conforms(await api().get(`/users/${user.id}`).expect(401));
    conforms(await api().patch(`/users/${user.id}`).send({ name: 'X' }).expect(401));
    conforms(await api().get('/users').expect(401));
    // Signed by a key the users service never made.
    const foreign = await signTestToken(user.id, ['customer']);
    const res = conforms(await api().get(`/users/${user.id}`).set('authorization', `Bearer ${foreign}`).expect(401));
    expect(res.body.type).toBe('invalid-token');
  });

  it('answers 404 to an admin asking for nobody', async () => {
    const admin = await logIn(ADMIN.email, ADMIN.password);
    conforms(await api().get(`/users/${randomUUID()}`).set('authorization', bearer(admin)).expect(404));
    conforms(await api().patch(`/users/${randomUUID()}`).set('authorization', bearer(admin)).send({ name: 'X' }).expect(404));
  });
});

describe('bad input', () => {
  const valid = () => ({ email: uniqueEmail(), password: PASSWORD, name: 'Ada' });
  const field = async (res: request.Response) => {
    conforms(res);
    expect(res.status).toBe(400);
    return (res.body.errors as { field: string }[]).map((error) => error.field);
  };

  it.each([
    ['an unknown field', { admin: true }, 'body.admin'],
    ['a wrong type', { name: 42 }, 'body.name'],
    ['a name too long', { name: 'x'.repeat(201) }, 'body.name'],
    ['a bad e-mail', { email: 'not-an-email' }, 'body.email'],
    ['an e-mail too long', { email: `${'a'.repeat(250)}@example.com` }, 'body.email'],
    ['a bad phone', { phone: '0123 456' }, 'body.phone'],
    ['a short password', { password: 'short' }, 'body.password'],
    ['a password too long', { password: 'p'.repeat(129) }, 'body.password'],
    ['an empty name', { name: '   ' }, 'body.name'],
  ])('sign-up refuses %s, naming the field', async (_what, change, expected) => {
    expect(await field(await api().post('/users').send({ ...valid(), ...change }))).toContain(expected);
  });

  it('sign-up names every missing field', async () => {
    expect(await field(await api().post('/users').send({}))).toEqual(expect.arrayContaining(['body.email', 'body.password', 'body.name']));
  });

  it('refuses bad profile changes, naming the field', async () => {
    const { user, session } = await newUser();
    const patch = (body: unknown) => api().patch(`/users/${user.id}`).set('authorization', bearer(session)).send(body as object);
    const address = { name: 'A', line1: 'B', city: 'C', postalCode: 'D', country: 'GB' };
    expect(await field(await patch({ email: 'x@example.com' }))).toEqual(['body.email']);
    expect(await field(await patch({ phone: '12345' }))).toEqual(['body.phone']);
    expect(await field(await patch({ addresses: [{ ...address, country: 'XX' }] }))).toEqual(['body.addresses[0].country']);
    expect(await field(await patch({ addresses: [{ ...address, floor: 3 }] }))).toEqual(['body.addresses[0].floor']);
    expect(await field(await patch({ addresses: Array(11).fill(address) }))).toEqual(['body.addresses']);
    expect(await field(await patch({ addresses: [{ ...address, label: 'L'.repeat(51) }] }))).toEqual(['body.addresses[0].label']);
    expect(await field(await api().get('/users/not-a-uuid').set('authorization', bearer(session)))).toEqual(['params.userId']);
  });

  it('refuses bad logins, refreshes, roles and queries, naming the field', async () => {
    expect(await field(await api().post('/sessions').send({ email: 'a@example.com' }))).toEqual(['body.password']);
    expect(await field(await api().post('/sessions').send({ email: 'a@example.com', password: PASSWORD, remember: true }))).toEqual(['body.remember']);
    expect(await field(await api().post('/sessions/refresh').send({ refreshToken: 7 }))).toEqual(['body.refreshToken']);
    expect(await field(await api().post('/sessions/logout').send({ refreshToken: 'x'.repeat(201) }))).toEqual(['body.refreshToken']);
    const admin = await logIn(ADMIN.email, ADMIN.password);
    const user = await signUp();
    const roles = (body: unknown) => api().put(`/users/${user.id}/roles`).set('authorization', bearer(admin)).send(body as object);
    expect(await field(await roles({ roles: [] }))).toEqual(['body.roles']);
    expect(await field(await roles({ roles: ['customer', 'customer'] }))).toEqual(['body.roles']);
    expect(await field(await api().get('/users').query({ limit: 0 }).set('authorization', bearer(admin)))).toEqual(['query.limit']);
    expect(await field(await api().get('/users').query({ email: 'nope' }).set('authorization', bearer(admin)))).toEqual(['query.email']);
  });

  it('refuses malformed JSON and a huge body', async () => {
    const malformed = conforms(await api().post('/users').set('content-type', 'application/json').send('{"email":').expect(400));
    expect(malformed.body.type).toBe('malformed-json');
    const huge = conforms(await api().post('/users').send({ ...valid(), name: 'x'.repeat(100_000) }).expect(413));
    expect(huge.body.type).toBe('body-too-large');
    conforms(await api().post('/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: 'worker', client_secret: 'x'.repeat(10_000) }).expect(413));
  });
});

describe('several instances on one database', () => {
  let databaseUrl: string;
  const orms: MikroORM[] = [];
  const env = { SERVICE_CLIENT_SECRET: SERVICE_SECRET, BOOTSTRAP_ADMIN_EMAIL: 'boss@shop.example', BOOTSTRAP_ADMIN_PASSWORD: 'boss password!' };

  async function instance(instanceEnv: Record<string, string> = env): Promise<express.Express> {
    const orm = await prepareServiceDatabase(databaseUrl, usersService.database);
    orms.push(orm);
    return usersService.createApp({ ...service.context, orm, env: instanceEnv });
  }

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('users_instances');
  });
  afterAll(async () => {
    await Promise.all(orms.map((orm) => orm.close()));
  });

  it('makes one signing key when instances start together, and tokens from one verify at the other', async () => {
    const [one, two] = await Promise.all([instance(), instance()]);
    const [keysOne, keysTwo] = await Promise.all([jwks(one!), jwks(two!)]);
    expect(keysOne.keys).toHaveLength(1);
    expect(keysTwo).toEqual(keysOne);

    const user = await signUp({}, one);
    const session = await logIn(user.email, PASSWORD, one);
    conforms(await api(two).get(`/users/${user.id}`).set('authorization', bearer(session)).expect(200));
    const refreshed = conforms(await api(two).post('/sessions/refresh').send({ refreshToken: session.refreshToken }).expect(200)).body as Session;
    await createTokenVerifier(createLocalJWKSet(keysOne)).verify(refreshed.accessToken);

    // The bootstrap admin exists once, as an admin, however many instances started.
    const admin = await logIn(env.BOOTSTRAP_ADMIN_EMAIL, env.BOOTSTRAP_ADMIN_PASSWORD, two);
    expect(admin.user.roles).toEqual(['admin']);
    const third = await instance();
    await logIn(env.BOOTSTRAP_ADMIN_EMAIL, env.BOOTSTRAP_ADMIN_PASSWORD, third);
    const orm = orms[0]!;
    expect(await orm.em.fork().count(User, { email: env.BOOTSTRAP_ADMIN_EMAIL })).toBe(1);
  });

  it('promotes an existing account to bootstrap admin only when the configured password is its password', async () => {
    const plain = await instance({ SERVICE_CLIENT_SECRET: SERVICE_SECRET });
    const squatter = await signUp({ email: 'chief@shop.example', password: 'squatter password' }, plain);
    const withWrongPassword = await instance({ ...env, BOOTSTRAP_ADMIN_EMAIL: 'chief@shop.example', BOOTSTRAP_ADMIN_PASSWORD: 'the real chief password' });
    expect((await logIn(squatter.email, 'squatter password', withWrongPassword)).user.roles).toEqual(['customer']);
    const withItsPassword = await instance({ ...env, BOOTSTRAP_ADMIN_EMAIL: 'chief@shop.example', BOOTSTRAP_ADMIN_PASSWORD: 'squatter password' });
    expect((await logIn(squatter.email, 'squatter password', withItsPassword)).user.roles).toEqual(['customer', 'admin']);
  });

  it('picks up a key another instance added, rereading at most once per cooldown', async () => {
    const orm = await prepareServiceDatabase(databaseUrl, usersService.database);
    orms.push(orm);
    let clock = Date.now();
    const early = signingKeyRing(orm, () => clock);
    await early.ready();
    const kid = await addSigningKey(orm, new Date(Date.now() + 1000));
    const late = signingKeyRing(orm);
    expect((await late.signingKey()).kid).toBe(kid);
    const token = await signAccessToken(late, { subject: randomUUID(), roles: ['customer'] });

    const verifier = createTokenVerifier(early.getKey);
    // Within the cooldown the unknown kid is refused without a reread.
    await expect(verifier.verify(token)).rejects.toThrow();
    clock += KEY_RELOAD_COOLDOWN_MS;
    await expect(verifier.verify(token)).resolves.toMatchObject({ roles: ['customer'] });
    expect((await early.publicKeys()).map((key) => key.kid)).toContain(kid);
  });

  it('refuses to start with only half of the bootstrap admin settings', () => {
    expect(() => usersService.createApp({ ...service.context, env: { BOOTSTRAP_ADMIN_EMAIL: 'x@example.com' } })).toThrow(/BOOTSTRAP_ADMIN_PASSWORD/);
  });
});

describe('logs', () => {
  it('never logs the bearer token', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const app = usersService.createApp({ ...service.context, logger: pino({ level: 'info' }, sink) });
    const user = await signUp({}, app);
    const session = await logIn(user.email, PASSWORD, app);
    conforms(await api(app).get(`/users/${user.id}`).set('authorization', bearer(session)).expect(200));
    const log = lines.join('');
    expect(log).toContain('[redacted]');
    expect(log).not.toContain(session.accessToken);
    expect(log).not.toContain(PASSWORD);
  });
});
