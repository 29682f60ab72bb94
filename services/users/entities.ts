import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { JWK } from 'jose';
import type { components } from './api.gen';

export type UserRole = components['schemas']['UserRole'];
export type Address = components['schemas']['Address'];

export const User = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p.uuid().primary(),
    // Stored trimmed and lower-cased, so this unique constraint is case-insensitive uniqueness.
    email: p.string().length(254).unique(),
    passwordHash: p.string().length(255),
    name: p.string().length(200),
    phone: p.string().length(16).nullable(),
    addresses: p.json<Address[]>(),
    roles: p.json<UserRole[]>(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  indexes: [{ properties: ['createdAt'] }],
  checks: [{ name: 'users_email_check', expression: 'email = lower(btrim(email))' }],
});
export type User = InferEntity<typeof User>;

/**
 * One refresh token, by its SHA-256 (the token itself is never stored). Tokens
 * rotated from one login share a family, so reuse of a spent one can revoke all of them.
 */
export const RefreshToken = defineEntity({
  name: 'RefreshToken',
  tableName: 'refresh_tokens',
  properties: {
    id: p.uuid().primary(),
    tokenHash: p.string().length(64).unique(),
    userId: p.uuid(),
    familyId: p.uuid(),
    expiresAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  indexes: [{ properties: ['familyId'] }, { properties: ['userId'] }],
});
export type RefreshToken = InferEntity<typeof RefreshToken>;

/** Token signing keys, shared by every instance; the newest signs, all of them verify. */
export const SigningKey = defineEntity({
  name: 'SigningKey',
  tableName: 'signing_keys',
  properties: {
    kid: p.string().length(64).primary(),
    /** Only in rows from before keys were encrypted at rest; the users service encrypts them at start (keys.ts). */
    privateJwk: p.json<JWK>().nullable(),
    /** The private JWK as a JWE under a key-encryption key (keys.ts). */
    privateKeyJwe: p.text().nullable(),
    publicJwk: p.json<JWK>(),
    createdAt: p.datetime(),
  },
});
export type SigningKey = InferEntity<typeof SigningKey>;

export const usersEntities = [User, RefreshToken, SigningKey];
