/**
 * Sessions: login, refresh-token rotation, logout, and service tokens.
 *
 * A refresh token is spent by a conditional update under a row lock, so two
 * requests racing with one token cannot both get a new pair. Presenting a spent
 * (or logged-out) token means a copy is in someone else's hands: the whole
 * family (every token rotated from the same login) is revoked, as the OAuth 2.0
 * security BCP advises.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { HttpProblem } from '../../platform/http/problem';
import { SERVICE_CLIENT_IDS } from '../../platform/service-token';
import type { components } from './api.gen';
import { authenticateUser, toUserView } from './domain';
import { RefreshToken, User } from './entities';
import type { SigningKeyRing } from './keys';
import { ACCESS_TOKEN_TTL, newRefreshToken, REFRESH_TOKEN_TTL, refreshTokenHash, signAccessToken } from './tokens';

type Schemas = components['schemas'];

const invalidCredentials = () => new HttpProblem(401, 'invalid-credentials', 'Login failed', 'Email or password is wrong');
const invalidRefreshToken = () =>
  new HttpProblem(401, 'invalid-refresh-token', 'Refresh failed', 'The refresh token is unknown, expired or already used; log in again');

async function issueSession(tx: EntityManager, keys: SigningKeyRing, user: User, familyId: string): Promise<Schemas['Session']> {
  const refreshToken = newRefreshToken();
  tx.create(RefreshToken, {
    id: randomUUID(),
    tokenHash: refreshTokenHash(refreshToken),
    userId: user.id,
    familyId,
    expiresAt: new Date(Date.now() + REFRESH_TOKEN_TTL * 1000),
    revokedAt: null,
  });
  await tx.flush();
  return {
    accessToken: await signAccessToken(keys, { subject: user.id, roles: user.roles, email: user.email }),
    tokenType: 'Bearer',
    expiresIn: ACCESS_TOKEN_TTL,
    refreshToken,
    refreshTokenExpiresIn: REFRESH_TOKEN_TTL,
    user: toUserView(user),
  };
}

export async function logIn(em: EntityManager, keys: SigningKeyRing, email: string, password: string): Promise<Schemas['Session']> {
  const user = await authenticateUser(em, email, password);
  if (!user) throw invalidCredentials();
  return em.transactional((tx) => issueSession(tx as EntityManager, keys, user, randomUUID()));
}

async function revokeFamily(em: EntityManager, familyId: string): Promise<void> {
  await em.nativeUpdate(RefreshToken, { familyId, revokedAt: null }, { revokedAt: new Date() });
}

export async function refreshSession(em: EntityManager, keys: SigningKeyRing, presented: string): Promise<Schemas['Session']> {
  const outcome = await em.transactional(async (tx): Promise<Schemas['Session'] | 'refused'> => {
    const row = await tx.findOne(RefreshToken, { tokenHash: refreshTokenHash(presented) }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!row) return 'refused';
    if (row.revokedAt) {
      await revokeFamily(tx as EntityManager, row.familyId);
      return 'refused';
    }
    if (row.expiresAt.getTime() <= Date.now()) return 'refused';
    const user = await tx.findOne(User, { id: row.userId });
    if (!user) return 'refused';
    row.revokedAt = new Date();
    return issueSession(tx as EntityManager, keys, user, row.familyId);
  });
  // Refused only after the commit: the family revocation above must stick.
  if (outcome === 'refused') throw invalidRefreshToken();
  return outcome;
}

/** Ends the login the token belongs to; nothing to say about tokens that are unknown or revoked already. */
export async function logOut(em: EntityManager, presented: string): Promise<void> {
  const row = await em.findOne(RefreshToken, { tokenHash: refreshTokenHash(presented) });
  if (row) await revokeFamily(em, row.familyId);
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Client credentials for the shop's services. Both secrets are hashed first so
 * timingSafeEqual compares equal lengths, and an unknown client costs the same
 * comparison as a known one.
 */
export function checkServiceClient(clientId: string, clientSecret: string, expectedSecret: string): boolean {
  const secretMatches = timingSafeEqual(sha256(clientSecret), sha256(expectedSecret));
  return SERVICE_CLIENT_IDS.includes(clientId) && secretMatches;
}

export async function issueServiceToken(keys: SigningKeyRing, clientId: string): Promise<Schemas['ServiceToken']> {
  return {
    access_token: await signAccessToken(keys, { subject: `service:${clientId}`, roles: ['service'] }),
    token_type: 'Bearer',
    expires_in: ACCESS_TOKEN_TTL,
  };
}
