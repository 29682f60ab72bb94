import { Client } from 'pg';
import { databaseNameOf, dropDatabase, ensureDatabase, postgresAnswers, redact, waitForPostgres } from '../../platform/postgres';
import { createTestDatabase, dropTestDatabase } from '../support/database';
import { getFreePort } from '../support/ports';

function serverUrl(database: string): string {
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${database}`;
  return url.toString();
}

async function countDatabases(name: string): Promise<number> {
  const client = new Client({ connectionString: serverUrl('postgres') });
  await client.connect();
  try {
    const result = await client.query('select count(*)::int as n from pg_database where datname = $1', [name]);
    return (result.rows[0] as { n: number }).n;
  } finally {
    await client.end();
  }
}

describe('ensureDatabase', () => {
  const name = `ensure_${Date.now()}`;
  afterAll(() => dropDatabase(serverUrl(name)));

  it('creates the database the URL names, once, and is idempotent', async () => {
    expect(await countDatabases(name)).toBe(0);
    await ensureDatabase(serverUrl(name));
    await ensureDatabase(serverUrl(name));
    expect(await countDatabases(name)).toBe(1);
    expect(await postgresAnswers(serverUrl(name))).toBe(true);
  });

  it('is safe when several processes create the same database at once', async () => {
    const racing = `race_${Date.now()}`;
    try {
      await Promise.all(Array.from({ length: 5 }, () => ensureDatabase(serverUrl(racing))));
      expect(await countDatabases(racing)).toBe(1);
    } finally {
      await dropDatabase(serverUrl(racing));
    }
  });

  it('quotes names that need it', async () => {
    const odd = `Odd-Name "${Date.now()}"`;
    try {
      await ensureDatabase(serverUrl(encodeURIComponent(odd)));
      expect(await countDatabases(odd)).toBe(1);
    } finally {
      await dropDatabase(serverUrl(encodeURIComponent(odd)));
    }
  });

  it('reports other errors (bad password) instead of trying to create', async () => {
    const url = new URL(serverUrl(name));
    url.password = 'wrong';
    await expect(ensureDatabase(url.toString())).rejects.toThrow(/password/);
  });
});

describe('createTestDatabase', () => {
  it('gives each caller a fresh, empty database', async () => {
    const [first, second] = await Promise.all([createTestDatabase('platform test'), createTestDatabase('platform test')]);
    try {
      expect(first).not.toBe(second);
      expect(databaseNameOf(first!)).toMatch(/^test_platform_test_[0-9a-f]{8}$/);
      expect(await postgresAnswers(first!)).toBe(true);
    } finally {
      await Promise.all([dropTestDatabase(first!), dropTestDatabase(second!)]);
    }
    expect(await countDatabases(databaseNameOf(first!))).toBe(0);
  });
});

describe('helpers', () => {
  it('hides the password', () => {
    expect(redact('postgres://shop:secret@db:5432/shop_orders')).toBe('postgres://shop:***@db:5432/shop_orders');
  });

  it('waitForPostgres gives up with the reason when nothing answers', async () => {
    const port = await getFreePort();
    await expect(waitForPostgres(`postgres://postgres:postgres@127.0.0.1:${port}/postgres`, 600)).rejects.toThrow(/did not answer within 600 ms.*ECONNREFUSED/);
  });

  it('a URL without a database is refused with a clear message', () => {
    expect(() => databaseNameOf('postgres://u:p@h:5432')).toThrow(/names no database/);
  });
});
