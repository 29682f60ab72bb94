/**
 * Idempotency keys with Stripe's semantics, shared by every service.
 *
 * The first request with a key runs its handler and stores the response in the
 * same transaction as the handler's writes; a repeat with the same key and the
 * same request gets the stored response (header `Idempotent-Replayed: true`);
 * the same key with a different request is refused (422). Concurrent repeats
 * wait on the key's row lock, so the side effect happens exactly once.
 *
 * Business refusals (4xx problems, e.g. a declined card) are stored too, so a
 * retry sees the same decline instead of trying again; validation errors are
 * raised before this runs and are not stored. 5xx errors roll everything back.
 *
 * Records are kept for IDEMPOTENCY_RETENTION_MS, then purged (see there for why
 * that is long enough).
 */
import { createHash } from 'node:crypto';
import { Migration } from '@mikro-orm/migrations';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { msToNumber } from '@temporalio/common/lib/time';
import { stringify } from 'safe-stable-stringify';
import { ACTIVITY_TIMEOUTS, SUPPORT_DEADLINE_MS } from '../temporal.config';
import { HttpProblem, validationProblem } from './http/problem';
import { loadSpec } from './openapi';
import type { Logger } from './logger';
import { startPeriodicJob } from './periodic-job';
import type { BackgroundJob } from './service-main';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';
/** The stored key's column; the spec's keys must fit it (test/contract checks). */
export const MAX_KEY_LENGTH = 255;

/** The header as every spec takes it (openapi/shared/components.yaml), read from there so the two accept the same keys. */
export const IDEMPOTENCY_KEY_SCHEMA = loadSpec('shared/components.yaml').components?.schemas?.IdempotencyKey as {
  minLength: number;
  maxLength: number;
  pattern: string;
};
const KEY_PATTERN = new RegExp(IDEMPOTENCY_KEY_SCHEMA.pattern, 'u');

export interface HandlerResult {
  status: number;
  body: unknown;
}

/** A key belongs to its caller, as at Stripe: two callers choosing the same key never see each other's responses. */
export interface IdempotencyKeyRef {
  /** The caller's token subject; '' for anonymous requests. */
  scope: string;
  key: string;
}

export interface IdempotentRequest extends IdempotencyKeyRef {
  method: string;
  path: string;
  body: unknown;
}

export interface IdempotentOutcome extends HandlerResult {
  replayed: boolean;
}

export class CreateIdempotencyRecordsTable extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table if not exists idempotency_records (
        key varchar(${MAX_KEY_LENGTH}) primary key,
        request_fingerprint char(64) not null,
        response_status int not null default 0,
        response_body jsonb,
        created_at timestamptz not null default now()
      )`);
  }
}

export class ScopeIdempotencyKeysByCaller extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table idempotency_records add column if not exists scope varchar(200) not null default ''`);
    this.addSql('alter table idempotency_records drop constraint if exists idempotency_records_pkey');
    this.addSql('alter table idempotency_records add primary key (scope, key)');
  }
}

/** The purge finds old records by age. */
export class IndexIdempotencyRecordsByAge extends Migration {
  override async up(): Promise<void> {
    this.addSql('create index if not exists idempotency_records_created_at_index on idempotency_records (created_at)');
  }
}

/** Every service's migrations start with these (platform/db.ts prepends them). */
export const IDEMPOTENCY_MIGRATIONS = [
  { name: 'Migration00000000000000_idempotency', class: CreateIdempotencyRecordsTable },
  { name: 'Migration00000000000001_idempotency_scope', class: ScopeIdempotencyKeysByCaller },
  { name: 'Migration00000000000002_idempotency_age_index', class: IndexIdempotencyRecordsByAge },
];

export function readIdempotencyKey(headerValue: string | string[] | undefined, required: boolean): string | undefined {
  const value = Array.isArray(headerValue) ? headerValue[0] : headerValue;
  // Only an absent header is no key: a header sent empty is a client bug (an unset variable), and
  // running the request without the protection the caller asked for could repeat its side effect.
  if (value === undefined) {
    if (!required) return undefined;
    throw validationProblem([{ field: `header.${IDEMPOTENCY_HEADER}`, message: 'is required for this request' }]);
  }
  const { minLength, maxLength } = IDEMPOTENCY_KEY_SCHEMA;
  if (value.length < minLength || value.length > maxLength || !KEY_PATTERN.test(value)) {
    throw validationProblem([
      { field: `header.${IDEMPOTENCY_HEADER}`, message: `must be ${minLength}-${maxLength} printable ASCII characters without spaces` },
    ]);
  }
  return value;
}

/** What a key's repeats must match: the method, the path and the body. */
export function fingerprint(request: Pick<IdempotentRequest, 'method' | 'path' | 'body'>): string {
  return createHash('sha256')
    .update(`${request.method.toUpperCase()} ${request.path}\n${stringify(request.body ?? null)}`)
    .digest('hex');
}

interface StoredRecord {
  request_fingerprint: string;
  response_status: number;
  response_body: unknown;
}

function keyReused(key: string): HttpProblem {
  return new HttpProblem(
    422,
    'idempotency-key-reused',
    'Idempotency key already used for a different request',
    `The key '${key}' was first used with other parameters or on another endpoint; use a new key for a new request.`,
  );
}

/**
 * For work that cannot run in one transaction with its key (it calls an outside party between
 * transactions): claims the key for this request in a transaction of its own and commits it, or
 * finds it. Returns the stored response to replay, or undefined when the work is to run: the key
 * is new, or an earlier request with it has not stored a response (it is still at work, or died),
 * so that work must be written to be run again and finish what the earlier one left. Store the
 * response with storeIdempotentResponse; a key whose work failed with a 5xx keeps no response.
 */
export async function claimIdempotencyKey(em: EntityManager, request: IdempotentRequest): Promise<HandlerResult | undefined> {
  const requestFingerprint = fingerprint(request);
  const claimed = await em.execute<unknown[]>(
    'insert into idempotency_records (scope, key, request_fingerprint) values (?, ?, ?) on conflict (scope, key) do nothing returning key',
    [request.scope, request.key, requestFingerprint],
  );
  // A new key: nothing stored, the work is to run.
  if (claimed.length > 0) return undefined;
  const [stored] = await em.execute<StoredRecord[]>('select request_fingerprint, response_status, response_body from idempotency_records where scope = ? and key = ?', [
    request.scope,
    request.key,
  ]);
  if (!stored) throw new Error(`idempotency record ${request.key} vanished`);
  if (stored.request_fingerprint !== requestFingerprint) throw keyReused(request.key);
  // 0: claimed, and no response stored yet.
  return stored.response_status === 0 ? undefined : { status: stored.response_status, body: stored.response_body };
}

/**
 * The handler's writes start after this savepoint; a refusal rolls back to it. Sent as plain SQL
 * with the key's insert (one round trip), not as a nested `em.transactional`: knex would make a
 * second transactor for it and send `release savepoint` too, which the commit does anyway.
 */
const HANDLER_SAVEPOINT = 'idempotent_handler';

export async function runIdempotently(
  em: EntityManager,
  request: IdempotentRequest,
  handler: (tx: EntityManager) => Promise<HandlerResult>,
): Promise<IdempotentOutcome> {
  const requestFingerprint = fingerprint(request);
  return em.transactional(async (tx) => {
    // Blocks while another transaction holds the same key, then finds its stored response.
    const [inserted] = await tx.execute<[{ key: string }[], unknown]>(
      `insert into idempotency_records (scope, key, request_fingerprint) values (?, ?, ?) on conflict (scope, key) do nothing returning key;
       savepoint ${HANDLER_SAVEPOINT}`,
      [request.scope, request.key, requestFingerprint],
    );
    if (inserted.length === 0) {
      const [stored] = await tx.execute<StoredRecord[]>(
        'select request_fingerprint, response_status, response_body from idempotency_records where scope = ? and key = ?',
        [request.scope, request.key],
      );
      if (!stored) throw new Error(`idempotency record ${request.key} vanished`);
      if (stored.request_fingerprint !== requestFingerprint) throw keyReused(request.key);
      return { status: stored.response_status, body: stored.response_body, replayed: true };
    }

    let result: HandlerResult;
    try {
      result = await handler(tx);
      // Inside the try, as the handler's own writes: a failing flush is the handler failing.
      await tx.flush();
    } catch (error) {
      if (!(error instanceof HttpProblem) || error.status >= 500) throw error;
      // A refused request keeps none of its partial writes, in the database nor in the entity
      // manager (whose pending changes the transaction's closing flush would otherwise write),
      // but the key keeps the refusal.
      await tx.execute(`rollback to savepoint ${HANDLER_SAVEPOINT}`);
      tx.clear();
      result = { status: error.status, body: error.toBody() };
    }
    await storeIdempotentResponse(tx, request, result);
    return { ...result, replayed: false };
  });
}

/**
 * Stores the response a key's repeats are answered with. Called again, outside
 * the key's transaction, for work finished after it committed (mutatingRoute's
 * `afterCommit`); a repeat arriving in between gets the response stored at commit.
 */
export async function storeIdempotentResponse(em: EntityManager, { scope, key }: IdempotencyKeyRef, result: HandlerResult): Promise<void> {
  await em.execute('update idempotency_records set response_status = ?, response_body = ? where scope = ? and key = ?', [
    result.status,
    JSON.stringify(result.body ?? null),
    scope,
    key,
  ]);
}


const DAY_MS = 24 * 60 * 60_000;

/**
 * The longest a checkout step that sends a key (the charge, the customer's
 * message) can go on retrying it across one wait for support: the step's own
 * retries (bounded by its schedule-to-close timeout), the wait until the
 * support deadline, then support's retry, which runs the step again with the
 * same key and its own retries.
 */
export const CHECKOUT_SUPPORT_ROUND_MS = msToNumber(ACTIVITY_TIMEOUTS.scheduleToClose) + SUPPORT_DEADLINE_MS + msToNumber(ACTIVITY_TIMEOUTS.scheduleToClose);

/**
 * How long a key is remembered: 30 days. Purging a record must never let a
 * late retry repeat its side effect; this is why 30 days is enough.
 *
 * - Keys sent by the checkout (the charge `checkout-<id>:charge`, the
 *   messages `checkout-<id>:notify:<template>`): a forward step retries for at
 *   most ACTIVITY_TIMEOUTS.scheduleToClose (5 min), then the checkout waits
 *   for support up to SUPPORT_DEADLINE_MS (24 h), and a retry by support runs
 *   the step again with the same key: about 24 h 10 min per round
 *   (CHECKOUT_SUPPORT_ROUND_MS). 30 days covers 29 such rounds, each a person
 *   choosing to retry after reading the case. Past them, and after a reset of
 *   a workflow that Temporal still keeps, the side effect is guarded by a
 *   record never purged: payments keeps one successful charge per reference
 *   (a late repeat is refused `reference-already-charged`, nothing is
 *   charged), and notifications keeps one notification per event id (a late
 *   repeat is answered with it, nothing is sent).
 * - Compensations (refund by reference, release the stock, unlock the cart,
 *   cancel the order) are retried without limit, but send no key: each is
 *   idempotent by the state it changes (a refund takes only what is left to
 *   refund, a released reservation stays released), so no window can break them.
 * - The orders outbox relay retries a message without limit with the key
 *   `order-<id>:<event>`; like the checkout's messages it is guarded by the
 *   notification's event id, so a repeat after the purge sends nothing.
 * - People and their tools (admins' stock adjustments and refunds, sign-ups):
 *   an HTTP client's retries last seconds to minutes; Stripe keeps keys 24 h.
 *   A key reused after 30 days is a new request.
 */
export const IDEMPOTENCY_RETENTION_MS = 30 * DAY_MS;

/**
 * Deletes the records older than `retentionMs`, `batchSize` at a time (short
 * statements, skipping rows a request holds), at most `maxBatches` per call.
 * Answers how many it deleted.
 */
export async function purgeIdempotencyRecords(
  em: EntityManager,
  { retentionMs = IDEMPOTENCY_RETENTION_MS, batchSize = 1000, maxBatches = 50 }: { retentionMs?: number; batchSize?: number; maxBatches?: number } = {},
): Promise<number> {
  let purged = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const deleted = await em.execute<{ key: string }[]>(
      `delete from idempotency_records where (scope, key) in (
         select scope, key from idempotency_records
         where created_at < now() - ? * interval '1 millisecond'
         order by created_at limit ? for update skip locked)
       returning key`,
      [retentionMs, batchSize],
    );
    purged += deleted.length;
    if (deleted.length < batchSize) break;
  }
  return purged;
}

export const IDEMPOTENCY_PURGE_JOB = 'purging idempotency records';

/** For every service that stores idempotency records: hourly, each instance; they share the work. */
export function startIdempotencyPurge(
  orm: MikroORM,
  logger: Logger,
  intervalMs = Number(process.env.IDEMPOTENCY_PURGE_INTERVAL_MS || 60 * 60_000),
): BackgroundJob & { name: string } {
  return startPeriodicJob({
    name: IDEMPOTENCY_PURGE_JOB,
    intervalMs,
    logger,
    work: async () => {
      const purged = await purgeIdempotencyRecords(orm.em.fork() as EntityManager);
      if (purged > 0) logger.info({ purged, retentionDays: IDEMPOTENCY_RETENTION_MS / DAY_MS }, 'purged idempotency records past their retention');
    },
  });
}
