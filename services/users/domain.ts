/**
 * User rules: accounts, profiles and roles. Functions take the caller's
 * EntityManager (a request context or a transaction).
 */
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import { conflict, notFound } from '../../platform/http/problem';
import type { Logger } from '../../platform/logger';
import type { components } from './api.gen';
import { User, type UserRole } from './entities';
import { hashPassword, verifyPassword } from './passwords';

type Schemas = components['schemas'];

export function toUserView(user: User): Schemas['User'] {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    ...(user.phone ? { phone: user.phone } : {}),
    addresses: user.addresses,
    roles: user.roles,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}

/** `input` is parsed: e-mail normalised, password NFKC-normalised. */
export async function signUp(em: EntityManager, input: Schemas['SignUpRequest']): Promise<User> {
  const passwordHash = await hashPassword(input.password);
  const user = em.create(User, {
    id: randomUUID(),
    email: input.email,
    passwordHash,
    name: input.name,
    phone: input.phone ?? null,
    addresses: [],
    roles: ['customer'],
  });
  try {
    // The unique constraint decides between concurrent sign-ups; a check first would let two through.
    await em.flush();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw conflict('email-taken', 'An account with this e-mail address exists already');
    throw error;
  }
  return user;
}

/** The user whose e-mail and password these are; undefined for either mistake, after the same work. */
export async function authenticateUser(em: EntityManager, email: string, password: string): Promise<User | undefined> {
  const user = await em.findOne(User, { email });
  const ok = await verifyPassword(user?.passwordHash, password);
  return ok ? (user ?? undefined) : undefined;
}

export async function getUser(em: EntityManager, id: string): Promise<User> {
  const user = await em.findOne(User, { id });
  if (!user) throw notFound('User', id);
  return user;
}

export async function listUsers(em: EntityManager, query: { email?: string; limit: number; offset: number }): Promise<Schemas['UserPage']> {
  const [users, total] = await em.findAndCount(User, query.email ? { email: query.email } : {}, {
    orderBy: { createdAt: 'asc', id: 'asc' },
    limit: query.limit,
    offset: query.offset,
  });
  return { items: users.map(toUserView), total, limit: query.limit, offset: query.offset };
}

export async function updateUser(em: EntityManager, id: string, changes: Schemas['UpdateUserRequest']): Promise<User> {
  const user = await em.findOne(User, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!user) throw notFound('User', id);
  if (changes.name !== undefined) user.name = changes.name;
  if (changes.phone !== undefined) user.phone = changes.phone;
  if (changes.addresses !== undefined) user.addresses = changes.addresses;
  await em.flush();
  return user;
}

export async function setRoles(em: EntityManager, id: string, roles: UserRole[]): Promise<User> {
  const user = await em.findOne(User, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!user) throw notFound('User', id);
  user.roles = roles;
  await em.flush();
  return user;
}

export interface BootstrapAdmin {
  email: string;
  password: string;
}

/**
 * Startup: the configured admin exists and is an admin. Serialised by an
 * advisory lock, so instances starting together neither collide nor fail.
 * An existing account is promoted only when the configured password is its
 * password: whoever signed up first with that address must not become admin.
 */
export async function ensureBootstrapAdmin(em: EntityManager, admin: BootstrapAdmin, logger: Logger): Promise<void> {
  const passwordHash = await hashPassword(admin.password);
  await em.fork().transactional(async (tx) => {
    await tx.execute("select pg_advisory_xact_lock(hashtextextended('users:bootstrap-admin', 0))");
    const existing = await tx.findOne(User, { email: admin.email });
    if (!existing) {
      tx.create(User, { id: randomUUID(), email: admin.email, passwordHash, name: 'Administrator', phone: null, addresses: [], roles: ['admin'] });
      logger.info('bootstrap admin created');
      return;
    }
    if (existing.roles.includes('admin')) return;
    if (!(await verifyPassword(existing.passwordHash, admin.password))) {
      logger.error({ userId: existing.id }, 'BOOTSTRAP_ADMIN_EMAIL belongs to an account with another password; not making it an admin');
      return;
    }
    existing.roles = [...existing.roles, 'admin'];
    logger.info({ userId: existing.id }, 'bootstrap admin promoted');
  });
}
