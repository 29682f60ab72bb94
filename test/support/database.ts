/** Databases of their own for test files, on the server test/global-setup.ts provides. */
import { randomBytes } from 'node:crypto';
import { dropDatabase, ensureDatabase } from '../../platform/postgres';

function testServerUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run the tests through jest (test/global-setup.ts starts PostgreSQL)');
  return url;
}

/** A new, empty database on the test server, named after its user for easier debugging. */
export async function createTestDatabase(prefix: string): Promise<string> {
  const url = new URL(testServerUrl());
  // PostgreSQL names stop at 63 bytes.
  const readable = prefix.replace(/[^a-z0-9]+/gi, '_').toLowerCase().slice(0, 40);
  url.pathname = `/test_${readable}_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(url.toString());
  return url.toString();
}

export async function dropTestDatabase(url: string): Promise<void> {
  await dropDatabase(url);
}
