/**
 * A service's own database: created when missing, migrated on start (one
 * instance at a time, under an advisory lock), opened through MikroORM. A
 * database server that is not reachable yet is waited for, with backoff.
 */
import { Client } from 'pg';
import { MikroORM, type EntityManager, type EntitySchema } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { MigrationObject } from '@mikro-orm/core';
import { retryWhileUnreachable } from './backoff';
import { IDEMPOTENCY_MIGRATIONS } from './idempotency';
import type { Logger } from './logger';
import { ensureDatabase, redact } from './postgres';

export type MigrationEntry = MigrationObject;

export interface ServiceDatabase {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  entities: EntitySchema<any, any>[];
  /** In order; names sort in the order they were written (MigrationYYYYMMDDhhmmss_what). */
  migrations: MigrationEntry[];
}

export async function openServiceDatabase(databaseUrl: string, definition: ServiceDatabase): Promise<MikroORM> {
  return MikroORM.init({
    clientUrl: databaseUrl,
    entities: definition.entities,
    extensions: [Migrator],
    migrations: {
      migrationsList: [...IDEMPOTENCY_MIGRATIONS, ...definition.migrations],
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    // Domain code must fork or use the request context; the global manager would leak state across requests.
    allowGlobalContext: false,
    pool: { min: 0, max: Number(process.env.DATABASE_POOL_MAX || 10) },
    debug: process.env.MIKRO_ORM_DEBUG === 'true',
  });
}

/** Any number of instances may start at once; the advisory lock lets one migrate while the others wait. */
async function withMigrationLock<T>(databaseUrl: string, work: () => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("select pg_advisory_lock(hashtext('shop:migrations'))");
    return await work();
  } finally {
    await client.end();
  }
}

export async function migrateServiceDatabase(orm: MikroORM, databaseUrl: string): Promise<string[]> {
  return withMigrationLock(databaseUrl, async () => {
    const applied = await orm.getMigrator().up();
    return applied.map((migration) => migration.name);
  });
}

/** Creates the database if needed, opens it and brings its schema up to date. */
export async function prepareServiceDatabase(databaseUrl: string, definition: ServiceDatabase): Promise<MikroORM> {
  await ensureDatabase(databaseUrl);
  const orm = await openServiceDatabase(databaseUrl, definition);
  try {
    await migrateServiceDatabase(orm, databaseUrl);
  } catch (error) {
    await orm.close();
    throw error;
  }
  return orm;
}

/** Socket errors, and PostgreSQL's own "not now" answers: the server is down, starting, stopping or full. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or shutting down
  '53300', // too_many_connections
]);
const UNREACHABLE_MESSAGES = /connection terminated|timeout expired|connection timeout|server closed the connection/i;

/**
 * True when the error says the database server cannot be reached now, as
 * opposed to refusing us (wrong password, no rights) or our schema failing.
 * Looks through `cause` and AggregateError's `errors` (IPv4 and IPv6 both refused).
 */
export function isDatabaseUnreachable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const { code, message, cause, errors } = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
  if (typeof message === 'string' && UNREACHABLE_MESSAGES.test(message)) return true;
  if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnreachable(inner, depth + 1))) return true;
  return isDatabaseUnreachable(cause, depth + 1);
}

/**
 * prepareServiceDatabase, waiting (with backoff, for as long as it takes)
 * while the database server is unreachable, and saying what it waits for. Any
 * other failure (credentials, rights, a migration) throws at once.
 */
export async function prepareServiceDatabaseWhenReachable(databaseUrl: string, definition: ServiceDatabase, logger: Logger): Promise<MikroORM> {
  return retryWhileUnreachable(() => prepareServiceDatabase(databaseUrl, definition), {
    what: `the database ${redact(databaseUrl)}`,
    isUnreachable: isDatabaseUnreachable,
    logger,
  });
}

/** A timestamp as a raw statement returns it (MikroORM has pg leave timestamps as text), parsed as the ORM parses an entity's. */
export function rowTimestamp(em: EntityManager, value: unknown): Date {
  return em.getPlatform().parseDate(value as string) as Date;
}
