/**
 * One PostgreSQL server for the whole jest run: TEST_DATABASE_URL or
 * DATABASE_URL when given, otherwise a throwaway embedded server on a free
 * port. Its admin URL reaches the test workers through TEST_DATABASE_URL (they
 * are started after this runs and inherit the environment); each test file
 * creates databases of its own on it (test/support/database.ts).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../dev/embedded-postgres';
import { redact, waitForPostgres } from '../platform/postgres';
import { getFreePort } from './support/ports';

declare global {
  // Shared with global-teardown.ts, which jest runs in this same process.
  var __EMBEDDED_POSTGRES__: EmbeddedPostgresHandle | undefined;
}

export default async function globalSetup(): Promise<void> {
  const given = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (given) {
    await waitForPostgres(given, 10_000);
    process.env.TEST_DATABASE_URL = given;
    if (process.env.CI) console.log(`\ntests use PostgreSQL at ${redact(given)}`);
    return;
  }
  const started = Date.now();
  const dataDir = path.join(os.tmpdir(), `shop-test-pg-${randomBytes(6).toString('hex')}`);
  const postgres = await startEmbeddedPostgres({ dataDir, port: await getFreePort(), persistent: false });
  globalThis.__EMBEDDED_POSTGRES__ = postgres;
  process.env.TEST_DATABASE_URL = postgres.adminUrl;
  if (process.env.CI) console.log(`\nembedded PostgreSQL for the tests on port ${postgres.port} (started in ${Date.now() - started} ms)`);
}
