/**
 * Holding a lock from a connection of the test's own, to stop a process at
 * a chosen point of its work (e.g. between a provider's answer and the commit
 * that records it), and seeing when it has got there.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';

export interface HeldLock {
  release(): Promise<void>;
}

/** `lock table <table> in exclusive mode` in a transaction held open until released: reads pass, writes wait. */
export async function holdTableLock(databaseUrl: string, table: string): Promise<HeldLock> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('begin');
  await client.query(`lock table ${client.escapeIdentifier(table)} in exclusive mode`);
  return {
    async release() {
      await client.query('rollback');
      await client.end();
    },
  };
}

/** Resolves once another session of the database is waiting for a lock on `table`. */
export async function untilWaitingForLock(databaseUrl: string, table: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (;;) {
      const { rows } = await client.query(
        `select 1 from pg_locks l join pg_class c on c.oid = l.relation
         where not l.granted and c.relname = $1 and l.database = (select oid from pg_database where datname = current_database())`,
        [table],
      );
      if (rows.length > 0) return;
      await sleep(20);
    }
  } finally {
    await client.end();
  }
}

/** Polls `check` until it holds: for conditions another process brings about. */
export async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await sleep(50);
}

/** A transaction of the test's own, held open: its writes stay unseen and its locks held until it ends. */
export interface OpenTransaction {
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

export async function openTransaction(databaseUrl: string): Promise<OpenTransaction> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('begin');
  const end = async (command: 'commit' | 'rollback') => {
    try {
      await client.query(command);
    } finally {
      await client.end();
    }
  };
  return {
    query: async (sql, params) => (await client.query(sql, params)).rows as Record<string, unknown>[],
    commit: () => end('commit'),
    rollback: () => end('rollback'),
  };
}

/**
 * Resolves once `count` other sessions of the database are waiting for a lock of any kind (a row,
 * a key, an advisory lock); fails if `requests` all settle first, since they then never waited.
 */
export async function untilSessionsWaitForLocks(databaseUrl: string, count: number, requests: Promise<unknown>[]): Promise<void> {
  let settled = false;
  const allSettled = Promise.allSettled(requests).then(() => {
    settled = true;
  });
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (;;) {
      const { rows } = await client.query<{ waiting: number }>(
        "select count(*)::int as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
      );
      if (rows[0]!.waiting >= count) return;
      if (settled) throw new Error(`the requests ended before ${count} of them waited for a lock`);
      await Promise.race([sleep(20), allSettled]);
    }
  } finally {
    await client.end();
  }
}

/**
 * Once `requests` all wait for a lock (`tx` holds it), makes `change` in `tx` and commits it, which
 * lets them through: each then decides on a state that changed after it started. Answers them.
 */
export async function commitOnceWaiting<T>(databaseUrl: string, tx: OpenTransaction, requests: Promise<T>[], change?: { sql: string; params?: unknown[] }): Promise<T[]> {
  await untilSessionsWaitForLocks(databaseUrl, requests.length, requests);
  if (change) await tx.query(change.sql, change.params);
  await tx.commit();
  return Promise.all(requests);
}
