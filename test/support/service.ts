/**
 * A service under test: its own fresh database on the test PostgreSQL server,
 * migrated exactly as in production, and its express app for supertest.
 * Tokens are checked against the test key (test/support/auth.ts).
 */
import type express from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import { prepareServiceDatabase } from '../../platform/db';
import { createLogger } from '../../platform/logger';
import type { ServiceContext, ServiceDefinition } from '../../platform/service-main';
import { signTestToken, testTokenVerifier } from './auth';
import { createTestDatabase } from './database';

export interface ServiceUnderTest {
  app: express.Express;
  orm: MikroORM;
  databaseUrl: string;
  context: ServiceContext;
  close(): Promise<void>;
}

export async function serviceUnderTest(
  definition: ServiceDefinition,
  overrides: Partial<Omit<ServiceContext, 'orm'>> = {},
): Promise<ServiceUnderTest> {
  const databaseUrl = await createTestDatabase(definition.name);
  const orm = await prepareServiceDatabase(databaseUrl, definition.database);
  const context: ServiceContext = {
    orm,
    logger: createLogger(definition.name),
    auth: testTokenVerifier,
    serviceToken: () => signTestToken(`service:${definition.name}`, ['service']),
    env: {},
    ...overrides,
  };
  const app = definition.createApp(context);
  return { app, orm, databaseUrl, context, close: () => orm.close() };
}
