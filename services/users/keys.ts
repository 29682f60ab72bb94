/**
 * The keys access tokens are signed with: ES256 key pairs kept in the users
 * database, so every instance signs with a key every other instance (and every
 * service reading the JWKS) knows. The first instance to start makes the first
 * key, under an advisory lock so instances starting together make only one.
 *
 * Each instance holds the keys in memory (they never change once written) and
 * rereads them when a token names a key it does not know, at most once per
 * cooldown, so a key added by another instance (rotation) is picked up.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  errors as joseErrors,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTVerifyGetKey,
  type KeyLike,
} from 'jose';
import { TOKEN_ALGORITHM } from '../../platform/auth';
import { SigningKey } from './entities';

export const KEY_RELOAD_COOLDOWN_MS = 10_000;

export interface PublicJwk extends JWK {
  kid: string;
  alg: typeof TOKEN_ALGORITHM;
  use: 'sig';
}

interface LoadedKeys {
  signing: { kid: string; key: KeyLike | Uint8Array };
  getKey: JWTVerifyGetKey;
  loadedAt: number;
}

export interface SigningKeyRing {
  /** Makes sure a key exists and loads every key; after a failure the next call tries again. */
  ready(): Promise<void>;
  /** The newest key, which signs new tokens. */
  signingKey(): Promise<{ kid: string; key: KeyLike | Uint8Array }>;
  /** For jwtVerify: finds a token's key by its `kid`. */
  getKey: JWTVerifyGetKey;
  /** Every stored key's public half, newest first: what `/.well-known/jwks.json` serves. */
  publicKeys(): Promise<PublicJwk[]>;
}

async function newKeyRow(now: Date) {
  const { publicKey, privateKey } = await generateKeyPair(TOKEN_ALGORITHM, { extractable: true });
  const { kty, crv, x, y } = await exportJWK(publicKey);
  // The RFC 7638 thumbprint: a kid derived from the key itself, the same wherever it is computed.
  const kid = await calculateJwkThumbprint({ kty, crv, x, y });
  const publicJwk: PublicJwk = { kty, crv, x, y, kid, alg: TOKEN_ALGORITHM, use: 'sig' };
  return { kid, privateJwk: { ...(await exportJWK(privateKey)), kid, alg: TOKEN_ALGORITHM }, publicJwk, createdAt: now };
}

/** Creates the first key unless some instance already has; safe with any number starting at once. */
async function ensureSigningKey(orm: MikroORM): Promise<void> {
  await orm.em.fork().transactional(async (tx) => {
    await tx.execute("select pg_advisory_xact_lock(hashtextextended('users:signing-keys', 0))");
    if ((await tx.count(SigningKey, {})) > 0) return;
    tx.create(SigningKey, await newKeyRow(new Date()));
  });
}

/** Rotation: a new key signs from now on (at each instance once it reloads); the older ones still verify. */
export async function addSigningKey(orm: MikroORM, createdAt: Date = new Date()): Promise<string> {
  const em = orm.em.fork();
  const row = em.create(SigningKey, await newKeyRow(createdAt));
  await em.flush();
  return row.kid;
}

async function readKeys(orm: MikroORM): Promise<SigningKey[]> {
  return orm.em.fork().find(SigningKey, {}, { orderBy: { createdAt: 'desc', kid: 'asc' } });
}

export function signingKeyRing(orm: MikroORM, now: () => number = Date.now): SigningKeyRing {
  let current: Promise<LoadedKeys> | undefined;

  const loadKeys = async (): Promise<LoadedKeys> => {
    await ensureSigningKey(orm);
    const rows = await readKeys(orm);
    const newest = rows[0];
    if (!newest) throw new Error('no signing key in the database after creating one');
    return {
      signing: { kid: newest.kid, key: await importJWK(newest.privateJwk, TOKEN_ALGORITHM) },
      getKey: createLocalJWKSet({ keys: rows.map((row) => row.publicJwk) }),
      loadedAt: now(),
    };
  };

  const load = (): Promise<LoadedKeys> => {
    current ??= loadKeys().catch((error: unknown) => {
      current = undefined;
      throw error;
    });
    return current;
  };

  const getKey: JWTVerifyGetKey = async (header, token) => {
    const keys = await load();
    try {
      return await keys.getKey(header, token);
    } catch (error) {
      // Only an unknown kid is worth a reread, and not more often than the cooldown: garbage kids must not hammer the database.
      if (!(error instanceof joseErrors.JWKSNoMatchingKey) || now() - keys.loadedAt < KEY_RELOAD_COOLDOWN_MS) throw error;
      if ((await current?.catch(() => undefined)) === keys) current = undefined;
      return (await load()).getKey(header, token);
    }
  };

  return {
    ready: async () => {
      await load();
    },
    signingKey: async () => (await load()).signing,
    getKey,
    publicKeys: async () => {
      await load();
      return (await readKeys(orm)).map((row) => row.publicJwk as PublicJwk);
    },
  };
}
