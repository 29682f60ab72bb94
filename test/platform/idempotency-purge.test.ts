/**
 * Idempotency records are purged after their retention window, and only then:
 * against a real database, with record ages set in it rather than waited for.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { msToNumber } from '@temporalio/common/lib/time';
import { prepareServiceDatabase } from '../../platform/db';
import {
  CHECKOUT_SUPPORT_ROUND_MS,
  IDEMPOTENCY_PURGE_JOB,
  IDEMPOTENCY_RETENTION_MS,
  purgeIdempotencyRecords,
  runIdempotently,
} from '../../platform/idempotency';
import { createLogger } from '../../platform/logger';
import type { BackgroundJob, ServiceContext, ServiceDefinition } from '../../platform/service-main';
import { SERVICE_NAMES } from '../../platform/services';
import { ACTIVITY_TIMEOUTS, SUPPORT_DEADLINE_MS } from '../../temporal.config';
import { catalogService } from '../../services/catalog/main';
import { testTokenVerifier } from '../support/auth';
import { createTestDatabase } from '../support/database';

let orm: MikroORM;
const em = () => orm.em.fork() as EntityManager;

beforeAll(async () => {
  orm = await prepareServiceDatabase(await createTestDatabase('idempotency_purge'), catalogService.database);
});
afterAll(async () => {
  await orm?.close();
});

/** Records aged `ageMs` (the database's clock), under keys `<prefix>-<n>`. */
async function recordsAged(prefix: string, count: number, ageMs: number): Promise<void> {
  await em().execute(
    `insert into idempotency_records (scope, key, request_fingerprint, response_status, response_body, created_at)
     select 'caller', ? || '-' || n, repeat('0', 64), 201, '{}', now() - ? * interval '1 millisecond' from generate_series(1, ?) n`,
    [prefix, ageMs, count],
  );
}

const keysLike = async (prefix: string) =>
  (await em().execute<{ key: string }[]>('select key from idempotency_records where key like ? order by key', [`${prefix}-%`])).map((row) => row.key);

it('removes only the records older than the window, in batches', async () => {
  const minute = 60_000;
  await recordsAged('expired', 25, IDEMPOTENCY_RETENTION_MS + minute);
  await recordsAged('almost', 3, IDEMPOTENCY_RETENTION_MS - minute);
  await recordsAged('fresh', 2, 0);

  // One batch per call at most: ten go.
  expect(await purgeIdempotencyRecords(em(), { batchSize: 10, maxBatches: 1 })).toBe(10);
  expect(await keysLike('expired')).toHaveLength(15);
  // The rest, batch by batch.
  expect(await purgeIdempotencyRecords(em(), { batchSize: 10 })).toBe(15);
  expect(await keysLike('expired')).toEqual([]);
  expect(await keysLike('almost')).toHaveLength(3);
  expect(await keysLike('fresh')).toHaveLength(2);
  expect(await purgeIdempotencyRecords(em(), { batchSize: 10 })).toBe(0);
});

it('keeps replaying a key until the window is over, and forgets it after', async () => {
  let runs = 0;
  const request = { scope: 'caller', key: 'checkout-1:charge', method: 'POST', path: '/charges', body: { amount: 100 } };
  const handler = async () => {
    runs += 1;
    return { status: 201, body: { id: `charge-${runs}` } };
  };
  expect(await runIdempotently(em(), request, handler)).toMatchObject({ replayed: false, body: { id: 'charge-1' } });

  const age = async (ms: number) =>
    em().execute(`update idempotency_records set created_at = now() - ? * interval '1 millisecond' where key = ?`, [ms, request.key]);
  await age(IDEMPOTENCY_RETENTION_MS - 60_000);
  await purgeIdempotencyRecords(em());
  expect(await runIdempotently(em(), request, handler)).toMatchObject({ replayed: true, body: { id: 'charge-1' } });
  expect(runs).toBe(1);

  await age(IDEMPOTENCY_RETENTION_MS + 60_000);
  await purgeIdempotencyRecords(em());
  expect(await runIdempotently(em(), request, handler)).toMatchObject({ replayed: false, body: { id: 'charge-2' } });
});

it('keeps records longer than a checkout can retry a keyed step through a week of daily support rounds', () => {
  // A round: the step's retries, the wait for support, support's retry with the same key and its retries.
  expect(CHECKOUT_SUPPORT_ROUND_MS).toBe(2 * msToNumber(ACTIVITY_TIMEOUTS.scheduleToClose) + SUPPORT_DEADLINE_MS);
  expect(Math.floor(IDEMPOTENCY_RETENTION_MS / CHECKOUT_SUPPORT_ROUND_MS)).toBeGreaterThanOrEqual(7);
  expect(IDEMPOTENCY_RETENTION_MS).toBe(30 * 24 * 60 * 60_000);
});

// Every service whose routes store idempotency records runs the purge.
const keepingRecords = SERVICE_NAMES.filter((name) =>
  /(mutatingRoute|resumableRoute)\(/.test(readFileSync(path.resolve(__dirname, `../../services/${name}/routes.ts`), 'utf8')),
);

it.each(keepingRecords)('%s runs the purge as a background job', async (name) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const definition = (require(`../../services/${name}/main`) as Record<string, ServiceDefinition>)[`${name}Service`]!;
  const context: ServiceContext = {
    orm,
    logger: createLogger(name),
    auth: testTokenVerifier,
    serviceToken: async () => 'unused',
    env: {},
  };
  const jobs: BackgroundJob[] = definition.startBackgroundJobs?.(context) ?? [];
  try {
    expect(jobs.map((job) => (job as { name?: string }).name)).toContain(IDEMPOTENCY_PURGE_JOB);
  } finally {
    await Promise.all(jobs.map((job) => job.stop()));
  }
});

it('finds the services that keep records', () => {
  expect(keepingRecords).toEqual(expect.arrayContaining(['users', 'catalog', 'orders', 'payments', 'inventory', 'notifications']));
});
