/**
 * A service under test: its own fresh database on the test PostgreSQL server,
 * migrated exactly as in production, and its express app for supertest.
 */
import type express from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import { prepareServiceDatabase } from '../../platform/db';
import { createLogger } from '../../platform/logger';
import type { ServiceDefinition } from '../../platform/service-main';
import { createTestDatabase } from './database';

export interface ServiceUnderTest {
  app: express.Express;
  orm: MikroORM;
  databaseUrl: string;
  close(): Promise<void>;
}

export async function serviceUnderTest(definition: ServiceDefinition): Promise<ServiceUnderTest> {
  const databaseUrl = await createTestDatabase(definition.name);
  const orm = await prepareServiceDatabase(databaseUrl, definition.database);
  const app = definition.createApp(orm, createLogger(definition.name));
  return { app, orm, databaseUrl, close: () => orm.close() };
}
