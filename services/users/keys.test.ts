/**
 * The private signing keys at rest: what a copy of the users database holds
 * (a JWE, never a private JWK or PEM), keys stored in plaintext by the version
 * before encrypted at start, and key-encryption keys rotated.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { calculateJwkThumbprint, createLocalJWKSet, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import { createTokenVerifier, TOKEN_ALGORITHM } from '../../platform/auth';
import { prepareServiceDatabase } from '../../platform/db';
import { newKeyEntry, parseKeyList } from '../../platform/secrets';
import { createTestDatabase } from '../../test/support/database';
import { keyEncryptionKeys, signingKeyRing } from './keys';
import { usersService } from './main';
import { signAccessToken } from './tokens';

const kek = (id: string) => parseKeyList(newKeyEntry(id), id)[0]!;
const k1 = kek('kek-1');
const k2 = kek('kek-2');
const orms: MikroORM[] = [];

async function freshDatabase(): Promise<MikroORM> {
  const orm = await prepareServiceDatabase(await createTestDatabase('users_keys'), usersService.database);
  orms.push(orm);
  return orm;
}

afterAll(async () => {
  await Promise.all(orms.map((orm) => orm.close()));
});

/** The rows as the database holds them, read with SQL: what a backup or a stolen copy shows. */
async function storedRows(orm: MikroORM) {
  return orm.em.fork().getConnection().execute<{ kid: string; private_jwk: unknown; private_key_jwe: string | null; public_jwk: unknown }[]>(
    'select kid, private_jwk, private_key_jwe, public_jwk from signing_keys order by created_at',
  );
}

function expectNoPrivateKeyIn(rows: Awaited<ReturnType<typeof storedRows>>) {
  const text = JSON.stringify(rows);
  // A private EC JWK carries "d"; a PEM says so.
  expect(text).not.toMatch(/"d"\s*:/);
  expect(text).not.toMatch(/PRIVATE KEY/);
  for (const row of rows) {
    expect(row.private_jwk).toBeNull();
    expect(row.private_key_jwe?.split('.')).toHaveLength(5);
  }
}

/** A token signed by the ring verifies against the keys it publishes. */
async function expectSigns(ring: ReturnType<typeof signingKeyRing>, kid?: string) {
  const token = await signAccessToken(ring, { subject: 'user-1', roles: ['customer'] });
  if (kid) expect(decodeProtectedHeader(token).kid).toBe(kid);
  await expect(createTokenVerifier(createLocalJWKSet({ keys: await ring.publicKeys() })).verify(token)).resolves.toMatchObject({ subject: 'user-1' });
}

it('stores a new private key only encrypted, under the newest key-encryption key', async () => {
  const orm = await freshDatabase();
  const ring = signingKeyRing(orm, Date.now, [k1]);
  await ring.ready();
  const rows = await storedRows(orm);
  expect(rows).toHaveLength(1);
  expectNoPrivateKeyIn(rows);
  expect(decodeProtectedHeader(rows[0]!.private_key_jwe!)).toMatchObject({ alg: 'dir', enc: 'A256GCM', kid: 'kek-1', signing_kid: rows[0]!.kid });
  await expectSigns(ring, rows[0]!.kid);
});

it('encrypts, at start, a private key the previous version stored in plaintext, and keeps signing with it', async () => {
  const orm = await freshDatabase();
  // As the version before encryption wrote it.
  const { publicKey, privateKey } = await generateKeyPair(TOKEN_ALGORITHM, { extractable: true });
  const { kty, crv, x, y } = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint({ kty, crv, x, y });
  await orm.em
    .fork()
    .getConnection()
    .execute('insert into signing_keys (kid, private_jwk, public_jwk, created_at) values (?, ?, ?, now())', [
      kid,
      JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg: TOKEN_ALGORITHM }),
      JSON.stringify({ kty, crv, x, y, kid, alg: TOKEN_ALGORITHM, use: 'sig' }),
    ]);
  expect(JSON.stringify(await storedRows(orm))).toMatch(/"d"\s*:/);

  const ring = signingKeyRing(orm, Date.now, [k1]);
  await ring.ready();
  const rows = await storedRows(orm);
  expect(rows.map((row) => row.kid)).toEqual([kid]);
  expectNoPrivateKeyIn(rows);
  // The same key: tokens it signs verify against the public key published before.
  await expectSigns(ring, kid);
});

it('rotates key-encryption keys: stored keys move to the newest at start; a key-encryption key dropped too early is named', async () => {
  const orm = await freshDatabase();
  await signingKeyRing(orm, Date.now, [k1]).ready();
  const [before] = await storedRows(orm);

  const rotated = signingKeyRing(orm, Date.now, [k2, k1]);
  await rotated.ready();
  const [after] = await storedRows(orm);
  expect(after!.kid).toBe(before!.kid);
  expect(decodeProtectedHeader(after!.private_key_jwe!).kid).toBe('kek-2');
  await expectSigns(rotated, before!.kid);

  // An instance that still has only the old key-encryption key cannot read the keys any more, and says why.
  await expect(signingKeyRing(orm, Date.now, [k1]).ready()).rejects.toThrow(/encrypted with the key-encryption key 'kek-2', which is not in USERS_KEY_ENCRYPTION_KEYS \(kek-1\)/);
});

it('refuses a stored private key moved into another key’s row', async () => {
  const orm = await freshDatabase();
  const ring = signingKeyRing(orm, Date.now, [k1]);
  await ring.ready();
  const connection = orm.em.fork().getConnection();
  const [row] = await storedRows(orm);
  // A second key row whose ciphertext is the first key's.
  await connection.execute("insert into signing_keys (kid, private_key_jwe, public_jwk, created_at) values ('other', ?, ?, now() + interval '1 minute')", [row!.private_key_jwe, JSON.stringify(row!.public_jwk)]);
  await expect(signingKeyRing(orm, Date.now, [k1]).ready()).rejects.toThrow(/belongs to another key/);
});

it('demands the key-encryption keys in production, and takes them from a variable or a file', () => {
  expect(() => keyEncryptionKeys({ NODE_ENV: 'production' }, '/nonexistent')).toThrow(/USERS_KEY_ENCRYPTION_KEYS \(or USERS_KEY_ENCRYPTION_KEYS_FILE\) must be set/);
  expect(keyEncryptionKeys({ USERS_KEY_ENCRYPTION_KEYS: `${newKeyEntry('b')},${newKeyEntry('a')}` }, '/nonexistent').map((key) => key.id)).toEqual(['b', 'a']);
});
