/**
 * Database creation on whichever PostgreSQL server is used: each service owns
 * one database on it. (The embedded server for local runs is in dev/embedded-postgres.ts.)
 */
import { Client } from 'pg';

const INVALID_CATALOG_NAME = '3D000';
const DUPLICATE_DATABASE = '42P04';
const UNIQUE_VIOLATION = '23505';

function errorCode(error: unknown): string | undefined {
  return (error as { code?: string } | undefined)?.code;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function connect(url: string, connectionTimeoutMillis = 10_000): Promise<Client> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis });
  // A server that goes away while we hold the client must not crash the process.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

export function databaseNameOf(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!name) throw new Error(`the database URL ${redact(url)} names no database`);
  return name;
}

/** The URL with its password masked, for logs and messages. */
export function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** True when a PostgreSQL server answers at this URL. */
export async function postgresAnswers(url: string, timeoutMs = 2000): Promise<boolean> {
  let client: Client | undefined;
  try {
    client = await connect(url, timeoutMs);
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client?.end().catch(() => undefined);
  }
}

/** Waits until the server at this URL accepts a query; rejects with the last error after the timeout (or when aborted). */
export async function waitForPostgres(url: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (signal?.aborted) throw new Error(`stopped waiting for PostgreSQL at ${redact(url)}`);
    let client: Client | undefined;
    try {
      client = await connect(url, Math.max(500, Math.min(5000, deadline - Date.now())));
      await client.query('select 1');
      return;
    } catch (error) {
      if (Date.now() >= deadline) {
        throw new Error(`PostgreSQL at ${redact(url)} did not answer within ${timeoutMs} ms: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await client?.end().catch(() => undefined);
    }
  }
}

/**
 * Creates the database the URL names when it is missing, through the server's
 * `postgres` database. Safe when several services start at once: losing the
 * race to create it counts as success.
 */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const name = databaseNameOf(databaseUrl);
  // Connecting to the database itself first needs no rights on `postgres` when it already exists.
  try {
    const existing = await connect(databaseUrl);
    await existing.end();
    return;
  } catch (error) {
    if (errorCode(error) !== INVALID_CATALOG_NAME) throw error;
  }
  const admin = await connect(withDatabase(databaseUrl, 'postgres'));
  try {
    await admin.query(`create database ${quoteIdentifier(name)}`);
  } catch (error) {
    // Another process created it between our check and our create.
    const code = errorCode(error);
    if (code !== DUPLICATE_DATABASE && code !== UNIQUE_VIOLATION) throw error;
  } finally {
    await admin.end();
  }
}

/** Drops the database the URL names, closing its connections first (tests only). */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const name = databaseNameOf(databaseUrl);
  const admin = await connect(withDatabase(databaseUrl, 'postgres'));
  try {
    await admin.query(`drop database if exists ${quoteIdentifier(name)} with (force)`);
  } finally {
    await admin.end();
  }
}
