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
 */
import { createHash } from 'node:crypto';
import { Migration } from '@mikro-orm/migrations';
import type { EntityManager } from '@mikro-orm/postgresql';
import { stringify } from 'safe-stable-stringify';
import { HttpProblem, validationProblem } from './http/problem';
import { loadSpec } from './openapi';

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

/** Every service's migrations start with these (platform/db.ts prepends them). */
export const IDEMPOTENCY_MIGRATIONS = [
  { name: 'Migration00000000000000_idempotency', class: CreateIdempotencyRecordsTable },
  { name: 'Migration00000000000001_idempotency_scope', class: ScopeIdempotencyKeysByCaller },
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

function fingerprint(request: IdempotentRequest): string {
  return createHash('sha256')
    .update(`${request.method.toUpperCase()} ${request.path}\n${stringify(request.body ?? null)}`)
    .digest('hex');
}

interface StoredRecord {
  request_fingerprint: string;
  response_status: number;
  response_body: unknown;
}

export async function runIdempotently(
  em: EntityManager,
  request: IdempotentRequest,
  handler: (tx: EntityManager) => Promise<HandlerResult>,
): Promise<IdempotentOutcome> {
  const requestFingerprint = fingerprint(request);
  return em.transactional(async (tx) => {
    // Blocks while another transaction holds the same key, then finds its stored response.
    const inserted = await tx.execute<{ key: string }[]>(
      'insert into idempotency_records (scope, key, request_fingerprint) values (?, ?, ?) on conflict (scope, key) do nothing returning key',
      [request.scope, request.key, requestFingerprint],
    );
    if (inserted.length === 0) {
      const [stored] = await tx.execute<StoredRecord[]>(
        'select request_fingerprint, response_status, response_body from idempotency_records where scope = ? and key = ?',
        [request.scope, request.key],
      );
      if (!stored) throw new Error(`idempotency record ${request.key} vanished`);
      if (stored.request_fingerprint !== requestFingerprint) {
        throw new HttpProblem(
          422,
          'idempotency-key-reused',
          'Idempotency key already used for a different request',
          `The key '${request.key}' was first used with other parameters or on another endpoint; use a new key for a new request.`,
        );
      }
      return { status: stored.response_status, body: stored.response_body, replayed: true };
    }

    let result: HandlerResult;
    try {
      // A savepoint: a refused request keeps none of its partial writes, but the key keeps the refusal.
      result = await tx.transactional((inner) => handler(inner as EntityManager));
    } catch (error) {
      if (!(error instanceof HttpProblem) || error.status >= 500) throw error;
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

