/**
 * One PostgreSQL server for the whole jest run: TEST_DATABASE_URL or
 * DATABASE_URL when given, otherwise a throwaway embedded server. Its admin
 * URL reaches the test workers through TEST_DATABASE_URL; each test file
 * creates databases of its own on it (test/support/database.ts).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { getFreePort } from './support/ports';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../platform/embedded-postgres';

declare global {
  // eslint-disable-next-line no-var
  var __EMBEDDED_POSTGRES__: EmbeddedPostgresHandle | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) return;
  if (process.env.DATABASE_URL) {
    process.env.TEST_DATABASE_URL = process.env.DATABASE_URL;
    return;
  }
  // Not created here: the embedded server creates it with permissions its own user can use.
  const dataDir = path.join(os.tmpdir(), `shop-test-pg-${randomBytes(6).toString('hex')}`);
  const postgres = await startEmbeddedPostgres({ dataDir, port: await getFreePort(), persistent: false });
  globalThis.__EMBEDDED_POSTGRES__ = postgres;
  process.env.TEST_DATABASE_URL = postgres.adminUrl;
}
