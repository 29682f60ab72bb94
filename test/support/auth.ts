/**
 * Access tokens for service tests, signed with a key made for this test run,
 * exactly as the users service signs them (same issuer, audience, algorithm,
 * claims). Services under test verify against the public half.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { createTokenVerifier, TOKEN_ALGORITHM, TOKEN_AUDIENCE, TOKEN_ISSUER, type Role, type TokenVerifier } from '../../platform/auth';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
/** The key test tokens are signed with, for tests that build unusual tokens themselves. */
export const testSigningKey = privateKey;

export const testTokenVerifier: TokenVerifier = createTokenVerifier(publicKey);

export async function signTestToken(
  subject: string,
  roles: Role[],
  options: { expiresIn?: string | number; key?: typeof privateKey; issuedAt?: number } = {},
): Promise<string> {
  return new SignJWT({ roles })
    .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: 'test-key' })
    .setSubject(subject)
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt(options.issuedAt)
    .setJti(randomUUID())
    .setExpirationTime(options.expiresIn ?? '15m')
    .sign(options.key ?? privateKey);
}

/** `Authorization` header values, for supertest's `.set('authorization', …)`. */
export const bearer = async (subject: string, roles: Role[]) => `Bearer ${await signTestToken(subject, roles)}`;
export const asCustomer = (customerId: string) => bearer(customerId, ['customer']);
export const asAdmin = () => bearer('admin-1', ['admin']);
export const asSupport = () => bearer('support-1', ['support']);
export const asService = (name = 'test') => bearer(`service:${name}`, ['service']);
