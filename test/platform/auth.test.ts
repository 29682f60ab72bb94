import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT, UnsecuredJWT } from 'jose';
import { mayAccessCustomer, TOKEN_ALGORITHM, TOKEN_AUDIENCE, TOKEN_ISSUER, type Principal } from '../../platform/auth';
import { serviceClientSecret } from '../../platform/service-token';
import { signTestToken, testSigningKey, testTokenVerifier } from '../support/auth';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

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
