/**
 * runIdempotently against a real database: what a key keeps of a request that
 * succeeds, is refused (4xx) or fails (5xx), and how a repeat sent while the
 * first is still at work waits for it. The handlers write both with plain SQL
 * and through the ORM's unit of work, as the services' handlers do.
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { prepareServiceDatabase } from '../../platform/db';
import { HttpProblem, conflict } from '../../platform/http/problem';
import { runIdempotently, type HandlerResult, type IdempotentRequest } from '../../platform/idempotency';
import { catalogService } from '../../services/catalog/main';
import { Product } from '../../services/catalog/entities';
import { createTestDatabase } from '../support/database';
import { until } from '../support/locks';

let orm: MikroORM;
const em = () => orm.em.fork() as EntityManager;

beforeAll(async () => {
  orm = await prepareServiceDatabase(await createTestDatabase('idempotency'), catalogService.database);
  await em().execute('create table handler_writes (id text primary key)');
});
afterAll(async () => {
  await orm?.close();
});

let keys = 0;
function newRequest(body: unknown = { amount: 100 }): IdempotentRequest {
  keys += 1;
  return { scope: 'caller', key: `key-${keys}`, method: 'POST', path: '/things', body };
}

/** A write through the unit of work: flushed by whoever flushes next, unless discarded. */
function persistProduct(tx: EntityManager, sku: string): void {
  tx.create(Product, { sku, name: 'Mug', description: 'A mug.', priceAmount: 1250, priceCurrency: 'USD', images: [], category: 'mugs', active: true });
}

const writtenRows = async (id: string) => (await em().execute<unknown[]>('select id from handler_writes where id = ?', [id])).length;
const productExists = async (sku: string) => (await em().findOne(Product, { sku })) !== null;
const storedRecord = async ({ scope, key }: IdempotentRequest) =>
  (
    await em().execute<{ response_status: number; response_body: unknown }[]>(
      'select response_status, response_body from idempotency_records where scope = ? and key = ?',
      [scope, key],
    )
  )[0];

/** A handler that writes a row in SQL and leaves a product pending in the unit of work, then ends as `finish` says. */
function writingHandler(request: IdempotentRequest, finish: (run: number) => HandlerResult) {
  let runs = 0;
  const handler = async (tx: EntityManager): Promise<HandlerResult> => {
    runs += 1;
    await tx.execute('insert into handler_writes (id) values (?)', [request.key]);
    persistProduct(tx, `SKU-${request.key}`);
    return finish(runs);
  };
  return { handler, runs: () => runs };
}

it('runs the work once and answers repeats with the stored response', async () => {
  const request = newRequest();
  const { handler, runs } = writingHandler(request, (run) => ({ status: 201, body: { run } }));
  expect(await runIdempotently(em(), request, handler)).toEqual({ status: 201, body: { run: 1 }, replayed: false });
  expect(await runIdempotently(em(), request, handler)).toEqual({ status: 201, body: { run: 1 }, replayed: true });
  expect(runs()).toBe(1);
  expect(await writtenRows(request.key)).toBe(1);
  expect(await productExists(`SKU-${request.key}`)).toBe(true);
});

it('refuses a key reused for a different request with 422, and runs nothing', async () => {
  const request = newRequest({ amount: 100 });
  await runIdempotently(em(), request, async () => ({ status: 201, body: {} }));
  let ran = false;
  const reused = runIdempotently(em(), { ...request, body: { amount: 200 } }, async () => {
    ran = true;
    return { status: 201, body: {} };
  });
  await expect(reused).rejects.toMatchObject({ status: 422, type: 'idempotency-key-reused' });
  expect(ran).toBe(false);
});

it('keeps none of a refused request’s writes, in SQL or pending in the unit of work, but stores the refusal', async () => {
  const request = newRequest();
  const { handler, runs } = writingHandler(request, () => {
    throw conflict('out-of-stock', 'Not enough stock');
  });
  const refused = await runIdempotently(em(), request, handler);
  expect(refused).toMatchObject({ status: 409, replayed: false, body: { type: 'out-of-stock' } });
  expect(await writtenRows(request.key)).toBe(0);
  expect(await productExists(`SKU-${request.key}`)).toBe(false);
  expect(await storedRecord(request)).toMatchObject({ response_status: 409, response_body: { type: 'out-of-stock' } });

  expect(await runIdempotently(em(), request, handler)).toMatchObject({ status: 409, replayed: true, body: { type: 'out-of-stock' } });
  expect(runs()).toBe(1);
});

it('stores a refusal that follows a failed statement (the transaction was aborted), without the failed write', async () => {
  const request = newRequest();
  const sku = `SKU-${request.key}`;
  await runIdempotently(em(), newRequest(), async (tx) => {
    persistProduct(tx, sku);
    return { status: 201, body: {} };
  });
  // As catalog's createProduct does when another admin took the SKU between its check and its insert.
  const refused = await runIdempotently(em(), request, async (tx) => {
    await tx.execute('insert into handler_writes (id) values (?)', [request.key]);
    persistProduct(tx, sku);
    try {
      await tx.flush();
    } catch {
      throw conflict('sku-taken', `A product with SKU ${sku} already exists`);
    }
    return { status: 201, body: {} };
  });
  expect(refused).toMatchObject({ status: 409, replayed: false, body: { type: 'sku-taken' } });
  expect(await writtenRows(request.key)).toBe(0);
  expect(await storedRecord(request)).toMatchObject({ response_status: 409 });
});

it.each([
  ['an error', () => new Error('the database went away')],
  ['a 5xx problem', () => new HttpProblem(503, 'provider-unavailable', 'Service Unavailable')],
])('rolls everything back on %s and stores nothing, so a retry runs the work', async (_what, failure) => {
  const request = newRequest();
  const failing = runIdempotently(em(), request, async (tx) => {
    await tx.execute('insert into handler_writes (id) values (?)', [request.key]);
    persistProduct(tx, `SKU-${request.key}`);
    throw failure();
  });
  await expect(failing).rejects.toThrow();
  expect(await writtenRows(request.key)).toBe(0);
  expect(await productExists(`SKU-${request.key}`)).toBe(false);
  expect(await storedRecord(request)).toBeUndefined();

  expect(await runIdempotently(em(), request, async () => ({ status: 201, body: { retried: true } }))).toEqual({
    status: 201,
    body: { retried: true },
    replayed: false,
  });
});

/** The first request's handler, held at work until released. */
function heldHandler(outcome: (tx: EntityManager) => Promise<HandlerResult>) {
  let release!: () => void;
  let entered!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const inside = new Promise<void>((resolve) => (entered = resolve));
  const handler = async (tx: EntityManager) => {
    entered();
    await released;
    return outcome(tx);
  };
  return { handler, inside, release };
}

/** Once a second session waits on the key's row (the first's uncommitted insert). */
const repeatWaitsOnKey = () =>
  until(async () => {
    const waiting = await em().execute<unknown[]>(
      `select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like 'insert into idempotency_records%'`,
    );
    return waiting.length > 0;
  });

it.each([
  ['a success', async (): Promise<HandlerResult> => ({ status: 201, body: { first: true } }), { status: 201, body: { first: true } }],
  [
    'a refusal',
    async (): Promise<HandlerResult> => {
      throw conflict('declined', 'Card declined');
    },
    { status: 409, body: { type: 'declined' } },
  ],
])('makes a concurrent repeat wait for the first request and replay %s', async (_what, outcome, expected) => {
  const request = newRequest();
  const first = heldHandler(async (tx) => {
    await tx.execute('insert into handler_writes (id) values (?)', [request.key]);
    return outcome();
  });
  const firstRun = runIdempotently(em(), request, first.handler);
  await first.inside;
  let repeatRan = false;
  const repeat = runIdempotently(em(), request, async () => {
    repeatRan = true;
    return { status: 201, body: { first: false } };
  });
  await repeatWaitsOnKey();
  first.release();
  expect(await firstRun).toMatchObject({ ...expected, replayed: false });
  expect(await repeat).toMatchObject({ ...expected, replayed: true });
  expect(repeatRan).toBe(false);
  // The first's write stays with its success and goes with its refusal.
  expect(await writtenRows(request.key)).toBe(expected.status < 400 ? 1 : 0);
});

it('lets a concurrent repeat run the work itself when the first request fails with a 5xx', async () => {
  const request = newRequest();
  const first = heldHandler(async () => {
    throw new Error('crashed');
  });
  const firstRun = runIdempotently(em(), request, first.handler);
  await first.inside;
  const repeat = runIdempotently(em(), request, async (tx) => {
    await tx.execute('insert into handler_writes (id) values (?)', [request.key]);
    return { status: 201, body: { by: 'repeat' } };
  });
  await repeatWaitsOnKey();
  first.release();
  await expect(firstRun).rejects.toThrow('crashed');
  expect(await repeat).toEqual({ status: 201, body: { by: 'repeat' }, replayed: false });
  expect(await writtenRows(request.key)).toBe(1);
});
