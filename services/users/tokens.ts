/**
 * The tokens the users service issues: short-lived access tokens (JWTs, exactly
 * what platform/auth.ts verifies) and opaque refresh tokens, stored only as
 * their SHA-256 so a copy of the database cannot be replayed.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { TOKEN_ALGORITHM, TOKEN_AUDIENCE, TOKEN_ISSUER, type Role } from '../../platform/auth';
import type { SigningKeyRing } from './keys';

/** Seconds an access token lives: short, since it cannot be revoked. */
export const ACCESS_TOKEN_TTL = 15 * 60;
/** Seconds a refresh token lives. */
export const REFRESH_TOKEN_TTL = 30 * 24 * 60 * 60;

export interface AccessTokenClaims {
  subject: string;
  roles: Role[];
  email?: string;
}

export async function signAccessToken(keys: SigningKeyRing, claims: AccessTokenClaims): Promise<string> {
  const { kid, key } = await keys.signingKey();
  const issuedAt = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles: claims.roles, ...(claims.email ? { email: claims.email } : {}) })
    .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid, typ: 'JWT' })
    .setSubject(claims.subject)
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt(issuedAt)
    .setJti(randomUUID())
    .setExpirationTime(issuedAt + ACCESS_TOKEN_TTL)
    .sign(key);
}

/** 256 random bits: unguessable, so a fast hash is enough to store it. */
export const newRefreshToken = (): string => randomBytes(32).toString('base64url');

export const refreshTokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');
