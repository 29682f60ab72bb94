/**
 * The keys access tokens are signed with: ES256 key pairs kept in the users
 * database, so every instance signs with a key every other instance (and every
 * service reading the JWKS) knows. The first instance to start makes the first
 * key, under an advisory lock so instances starting together make only one.
 *
 * The private half is encrypted at rest: a JWE (`dir`, A256GCM) under a
 * key-encryption key from USERS_KEY_ENCRYPTION_KEYS (`id:base64,...`, newest
 * first; or a file named by USERS_KEY_ENCRYPTION_KEYS_FILE; locally, made once
 * in .data/users-key-encryption-keys). A copy of the database alone signs
 * nothing. At start, under the same lock, keys stored before this (a plaintext
 * JWK) or under an older key-encryption key are encrypted again under the newest.
 *
 * Each instance holds the keys in memory (they never change once written) and
 * rereads them when a token names a key it does not know, at most once per
 * cooldown, so a key added by another instance (rotation) is picked up.
 */
import path from 'node:path';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import {
  calculateJwkThumbprint,
  CompactEncrypt,
  compactDecrypt,
  createLocalJWKSet,
  decodeProtectedHeader,
  errors as joseErrors,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTVerifyGetKey,
  type KeyLike,
} from 'jose';
import { TOKEN_ALGORITHM } from '../../platform/auth';
import { keyListFromEnv, LOCAL_SECRETS_DIR, type NamedKey } from '../../platform/secrets';
import { SigningKey } from './entities';

export const KEY_RELOAD_COOLDOWN_MS = 10_000;
export const KEY_ENCRYPTION_KEYS_VARIABLE = 'USERS_KEY_ENCRYPTION_KEYS';
const LOCAL_KEY_ENCRYPTION_KEYS_FILE = path.join(LOCAL_SECRETS_DIR, 'users-key-encryption-keys');
/** The signing key's id, in the JWE's authenticated header: a ciphertext moved to another row does not decrypt as that row's key. */
const SIGNING_KID_HEADER = 'signing_kid';

/** The key-encryption keys, newest first (see the top of this file). */
export function keyEncryptionKeys(env: Record<string, string | undefined> = process.env, localFile = LOCAL_KEY_ENCRYPTION_KEYS_FILE): NamedKey[] {
  return keyListFromEnv(env, { variable: KEY_ENCRYPTION_KEYS_VARIABLE, localFile });
}

async function encryptPrivateJwk(jwk: JWK, signingKid: string, keyEncryptionKey: NamedKey): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(jwk)))
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: keyEncryptionKey.id, cty: 'jwk+json', [SIGNING_KID_HEADER]: signingKid })
    .encrypt(keyEncryptionKey.key);
}

async function decryptPrivateJwk(jwe: string, signingKid: string, keyEncryptionKeys: NamedKey[]): Promise<JWK> {
  const { kid } = decodeProtectedHeader(jwe);
  const keyEncryptionKey = keyEncryptionKeys.find((candidate) => candidate.id === kid);
  if (!keyEncryptionKey) {
    throw new Error(
      `the signing key ${signingKid} is encrypted with the key-encryption key '${kid}', which is not in ${KEY_ENCRYPTION_KEYS_VARIABLE} ` +
        `(${keyEncryptionKeys.map((key) => key.id).join(', ')}): add it (after the newest) to read it`,
    );
  }
  const { plaintext, protectedHeader } = await compactDecrypt(jwe, keyEncryptionKey.key, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
  if (protectedHeader[SIGNING_KID_HEADER] !== signingKid) throw new Error(`the stored private key of ${signingKid} belongs to another key`);
  return JSON.parse(new TextDecoder().decode(plaintext)) as JWK;
}

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

async function newKeyRow(now: Date, keyEncryptionKey: NamedKey) {
  const { publicKey, privateKey } = await generateKeyPair(TOKEN_ALGORITHM, { extractable: true });
  const { kty, crv, x, y } = await exportJWK(publicKey);
  // The RFC 7638 thumbprint: a kid derived from the key itself, the same wherever it is computed.
  const kid = await calculateJwkThumbprint({ kty, crv, x, y });
  const publicJwk: PublicJwk = { kty, crv, x, y, kid, alg: TOKEN_ALGORITHM, use: 'sig' };
  const privateKeyJwe = await encryptPrivateJwk({ ...(await exportJWK(privateKey)), kid, alg: TOKEN_ALGORITHM }, kid, keyEncryptionKey);
  return { kid, privateJwk: null, privateKeyJwe, publicJwk, createdAt: now };
}

function newest(keyEncryptionKeys: NamedKey[]): NamedKey {
  const key = keyEncryptionKeys[0];
  if (!key) throw new Error(`no key-encryption key: set ${KEY_ENCRYPTION_KEYS_VARIABLE}`);
  return key;
}

/**
 * Encrypts, under the newest key-encryption key, every private key stored in
 * plaintext (before keys were encrypted) or under an older key-encryption key.
 * Returns the kids it rewrote.
 */
async function encryptStoredKeys(tx: EntityManager, keyEncryptionKeys: NamedKey[]): Promise<string[]> {
  const target = newest(keyEncryptionKeys);
  const rewritten: string[] = [];
  for (const row of await tx.find(SigningKey, {})) {
    if (row.privateKeyJwe && decodeProtectedHeader(row.privateKeyJwe).kid === target.id) continue;
    const jwk = row.privateKeyJwe ? await decryptPrivateJwk(row.privateKeyJwe, row.kid, keyEncryptionKeys) : row.privateJwk;
    if (!jwk) throw new Error(`the signing key ${row.kid} has no private key stored`);
    row.privateKeyJwe = await encryptPrivateJwk(jwk, row.kid, target);
    row.privateJwk = null;
    rewritten.push(row.kid);
  }
  return rewritten;
}

/**
 * Creates the first key unless some instance already has, and brings every
 * stored key under the newest key-encryption key; safe with any number starting at once.
 */
async function ensureSigningKey(orm: MikroORM, keyEncryptionKeys: NamedKey[]): Promise<string[]> {
  return orm.em.fork().transactional(async (tx) => {
    await tx.execute("select pg_advisory_xact_lock(hashtextextended('users:signing-keys', 0))");
    if ((await tx.count(SigningKey, {})) === 0) {
      tx.create(SigningKey, await newKeyRow(new Date(), newest(keyEncryptionKeys)));
      return [];
    }
    return encryptStoredKeys(tx, keyEncryptionKeys);
  });
}

/** Rotation: a new key signs from now on (at each instance once it reloads); the older ones still verify. */
export async function addSigningKey(orm: MikroORM, createdAt: Date = new Date(), keyEncryptionKeysNewestFirst: NamedKey[] = keyEncryptionKeys()): Promise<string> {
  const em = orm.em.fork();
  const row = em.create(SigningKey, await newKeyRow(createdAt, newest(keyEncryptionKeysNewestFirst)));
  await em.flush();
  return row.kid;
}

async function readKeys(orm: MikroORM): Promise<SigningKey[]> {
  return orm.em.fork().find(SigningKey, {}, { orderBy: { createdAt: 'desc', kid: 'asc' } });
}

/** `keyEncryptionKeysNewestFirst`: from the environment unless given (see keyEncryptionKeys). */
export function signingKeyRing(
  orm: MikroORM,
  now: () => number = Date.now,
  keyEncryptionKeysNewestFirst: NamedKey[] = keyEncryptionKeys(),
): SigningKeyRing {
  let current: Promise<LoadedKeys> | undefined;

  const loadKeys = async (): Promise<LoadedKeys> => {
    await ensureSigningKey(orm, keyEncryptionKeysNewestFirst);
    const rows = await readKeys(orm);
    const signing = rows[0];
    if (!signing) throw new Error('no signing key in the database after creating one');
    // Encrypted by ensureSigningKey at the latest, unless another instance wrote a plaintext row since (an old version mid-rollout).
    const privateJwk = signing.privateKeyJwe ? await decryptPrivateJwk(signing.privateKeyJwe, signing.kid, keyEncryptionKeysNewestFirst) : signing.privateJwk;
    if (!privateJwk) throw new Error(`the signing key ${signing.kid} has no private key stored`);
    return {
      signing: { kid: signing.kid, key: await importJWK(privateJwk, TOKEN_ALGORITHM) },
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
