import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { errors as joseErrors, SignJWT, UnsecuredJWT } from 'jose';
import express from 'express';
import request from 'supertest';
import { authenticate, createTokenVerifier, mayAccessCustomer, MAX_TOKEN_AGE_SECONDS, principalFromToken, requirePrincipal, TOKEN_ALGORITHM, TOKEN_AUDIENCE, TOKEN_ISSUER, type Principal } from '../../platform/auth';
import { problemErrorHandler } from '../../platform/http/app';
import { ACCESS_TOKEN_TTL } from '../../services/users/tokens';
import { serviceClientSecret } from '../../platform/service-token';
import { signTestToken, testSigningKey, testTokenVerifier } from '../support/auth';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const { JWTExpired } = joseErrors;

describe('access tokens', () => {
  it('yields the subject and roles of a good token', async () => {
    await expect(testTokenVerifier.verify(await signTestToken('user-1', ['customer']))).resolves.toEqual({ subject: 'user-1', roles: ['customer'] });
  });

  it.each([
    ['signed with another key', () => signTestToken('user-1', ['admin'], { key: privateKey })],
    ['expired', () => signTestToken('user-1', ['admin'], { expiresIn: Math.floor(Date.now() / 1000) - 5 })],
    ['unsigned (alg none)', async () => new UnsecuredJWT({ roles: ['admin'] }).setSubject('user-1').setIssuer(TOKEN_ISSUER).setAudience(TOKEN_AUDIENCE).setExpirationTime('5m').encode()],
  ])('refuses a token %s', async (_what, make) => {
    await expect(testTokenVerifier.verify(await make())).rejects.toThrow();
  });

  describe('a maximum token age, whatever the token claims', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const farFuture = () => now() + 10 * 365 * 24 * 3600;

    it('refuses a token issued longer ago than the maximum age, though it says it expires in ten years', async () => {
      const token = await signTestToken('user-1', ['admin'], { issuedAt: now() - MAX_TOKEN_AGE_SECONDS - 60, expiresIn: farFuture() });
      await expect(testTokenVerifier.verify(token)).rejects.toThrow(/too far in the past/);
    });

    it('refuses a token issued just now that claims to live for ten years', async () => {
      const token = await signTestToken('user-1', ['admin'], { expiresIn: farFuture() });
      await expect(testTokenVerifier.verify(token)).rejects.toThrow(/claims a life longer than/);
    });

    it('refuses a token that does not say when it was issued', async () => {
      const token = await new SignJWT({ roles: ['admin'] }).setProtectedHeader({ alg: TOKEN_ALGORITHM }).setSubject('user-1').setIssuer(TOKEN_ISSUER).setAudience(TOKEN_AUDIENCE).setExpirationTime('5m').sign(testSigningKey);
      await expect(testTokenVerifier.verify(token)).rejects.toThrow(/iat/);
    });

    it('still takes a token as the users service issues them, to the end of its life', async () => {
      const token = await signTestToken('user-1', ['admin'], { issuedAt: now() - ACCESS_TOKEN_TTL + 60, expiresIn: now() + 60 });
      await expect(testTokenVerifier.verify(token)).resolves.toEqual({ subject: 'user-1', roles: ['admin'] });
      expect(ACCESS_TOKEN_TTL).toBeLessThanOrEqual(MAX_TOKEN_AGE_SECONDS);
    });

    it('answers a token past its maximum age with 401 token-expired', async () => {
      const app = express();
      app.use(authenticate(testTokenVerifier), (req, res) => res.json(requirePrincipal(req)));
      app.use(problemErrorHandler);
      const token = await signTestToken('user-1', ['admin'], { issuedAt: now() - 3600, expiresIn: farFuture() });
      const res = await request(app).get('/').set('authorization', `Bearer ${token}`);
      expect(res.status).toBe(401);
      expect(res.body.type).toBe('token-expired');
    });
  });

  describe('verified tokens are remembered until they expire', () => {
    afterEach(() => jest.restoreAllMocks());

    it('checks the signature of a token once, however often it is used', async () => {
      let keyLookups = 0;
      const verifier = createTokenVerifier(async () => {
        keyLookups += 1;
        return createPublicKey(testSigningKey);
      });
      const token = await signTestToken('user-1', ['customer']);
      for (let use = 0; use < 3; use += 1) await expect(verifier.verify(token)).resolves.toEqual({ subject: 'user-1', roles: ['customer'] });
      expect(keyLookups).toBe(1);
      // Another token (the same claims, another signature) is checked on its own.
      await verifier.verify(await signTestToken('user-1', ['customer']));
      expect(keyLookups).toBe(2);
    });

    it('still refuses a remembered token once it has expired, as token-expired', async () => {
      const verifier = createTokenVerifier(createPublicKey(testSigningKey));
      const token = await signTestToken('user-1', ['admin'], { expiresIn: '2m' });
      await verifier.verify(token);
      const later = Date.now() + 3 * 60_000;
      jest.spyOn(Date, 'now').mockReturnValue(later);
      await expect(verifier.verify(token)).rejects.toThrow(/"exp" claim timestamp check failed/);
      await expect(principalFromToken(verifier, token)).rejects.toMatchObject({ status: 401, type: 'token-expired' });
    });

    it('still refuses a remembered token past the maximum age', async () => {
      const verifier = createTokenVerifier(createPublicKey(testSigningKey));
      const token = await signTestToken('user-1', ['admin']);
      await verifier.verify(token);
      jest.spyOn(Date, 'now').mockReturnValue(Date.now() + (MAX_TOKEN_AGE_SECONDS + 60) * 1000);
      await expect(verifier.verify(token)).rejects.toThrow(JWTExpired);
    });

    it('gives each caller a principal of its own', async () => {
      const token = await signTestToken('user-1', ['customer']);
      const first = await testTokenVerifier.verify(token);
      first.roles.push('admin');
      await expect(testTokenVerifier.verify(token)).resolves.toEqual({ subject: 'user-1', roles: ['customer'] });
    });
  });

  it('refuses a token for another audience or issuer, or without valid roles', async () => {
    const sign = (claims: Record<string, unknown>, issuer: string, audience: string) =>
      new SignJWT(claims).setProtectedHeader({ alg: TOKEN_ALGORITHM }).setSubject('user-1').setIssuer(issuer).setAudience(audience).setExpirationTime('5m').sign(testSigningKey);
    await expect(testTokenVerifier.verify(await sign({ roles: ['admin'] }, 'someone-else', TOKEN_AUDIENCE))).rejects.toThrow();
    await expect(testTokenVerifier.verify(await sign({ roles: ['admin'] }, TOKEN_ISSUER, 'other-app'))).rejects.toThrow();
    await expect(testTokenVerifier.verify(await signTestToken('user-1', ['root' as never]))).rejects.toThrow(/roles/);
  });
});

describe('who may access a customer’s data', () => {
  const customer: Principal = { subject: 'c-1', roles: ['customer'] };
  const support: Principal = { subject: 's-1', roles: ['support'] };
  const admin: Principal = { subject: 'a-1', roles: ['admin'] };
  const service: Principal = { subject: 'service:worker', roles: ['service'] };

  it.each([
    [customer, 'c-1', 'read', true],
    [customer, 'c-1', 'write', true],
    [customer, 'c-2', 'read', false],
    [customer, 'c-2', 'write', false],
    [support, 'c-2', 'read', true],
    [support, 'c-2', 'write', false],
    [admin, 'c-2', 'write', true],
    [service, 'c-2', 'write', true],
  ] as const)('%o on %s (%s): %s', (principal, customerId, access, allowed) => {
    expect(mayAccessCustomer(principal, customerId, access)).toBe(allowed);
  });

  it('does not let a subject equal to the customer id act without the customer role', () => {
    expect(mayAccessCustomer({ subject: 'c-1', roles: ['support'] }, 'c-1', 'write')).toBe(false);
  });
});

describe('the local service client secret', () => {
  it('is made once, kept private, and read back by every later caller', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'secret-')), 'nested', 'service-client-secret');
    const first = serviceClientSecret({}, file);
    expect(first.length).toBeGreaterThanOrEqual(40);
    expect(serviceClientSecret({}, file)).toBe(first);
    expect(readFileSync(file, 'utf8')).toBe(first);
    expect(statSync(file).mode & 0o077).toBe(0);
  });

  it('prefers SERVICE_CLIENT_SECRET, and demands it in production', () => {
    expect(serviceClientSecret({ SERVICE_CLIENT_SECRET: 'given' }, '/nonexistent/file')).toBe('given');
    expect(() => serviceClientSecret({ NODE_ENV: 'production' }, '/nonexistent/file')).toThrow(/SERVICE_CLIENT_SECRET/);
  });
});
