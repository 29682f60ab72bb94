/**
 * A service's own database: created when missing, migrated on start (one
 * instance at a time, under an advisory lock), opened through MikroORM.
 */
import { Client } from 'pg';
import { MikroORM, type EntitySchema } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { MigrationObject } from '@mikro-orm/core';
import { IDEMPOTENCY_MIGRATIONS } from './idempotency';
import { ensureDatabase } from './postgres';

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
