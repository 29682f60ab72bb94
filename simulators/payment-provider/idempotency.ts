/**
 * Idempotency keys as Stripe has them. The first answer for a key (a charge,
 * a decline) is stored in the same transaction as the work that made it and
 * returned for every repeat; the same key with other parameters, or on
 * another endpoint, is refused with 400; a repeat arriving while the first is
 * still at work is refused with 409 at once (Stripe's clients retry it).
 * Refusals raised before the work (bad parameters, unknown objects) store nothing.
 *
 * Keys live in the platform's `idempotency_records` table, scoped by account.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { fingerprint, storeIdempotentResponse } from '../../platform/idempotency';
import { ProviderError } from './errors';

export interface Answer {
  status: number;
  body: unknown;
}

export interface KeyedRequest {
  /** The account: keys of different accounts never meet. */
  scope: string;
  key: string;
  method: string;
  path: string;
  body: unknown;
}

export async function answerOnce(
  em: EntityManager,
  request: KeyedRequest,
  work: (tx: EntityManager) => Promise<Answer>,
): Promise<Answer & { replayed: boolean }> {
  const requestFingerprint = fingerprint(request);
  return em.transactional(async (tx) => {
    // Held until this transaction ends: while it is held, the key's first request is still at work.
    const [lock] = await tx.execute<{ locked: boolean }[]>('select pg_try_advisory_xact_lock(hashtextextended(?, 0)) as locked', [
      `${request.scope}\n${request.key}`,
    ]);
    if (!lock?.locked) {
      throw new ProviderError(409, {
        type: 'idempotency_error',
        message: `There is currently another in-progress request using this Idempotency-Key ('${request.key}'). Please try again later.`,
      });
    }
    const [stored] = await tx.execute<{ request_fingerprint: string; response_status: number; response_body: unknown }[]>(
      'select request_fingerprint, response_status, response_body from idempotency_records where scope = ? and key = ?',
      [request.scope, request.key],
    );
    if (stored) {
      if (stored.request_fingerprint !== requestFingerprint) {
        throw new ProviderError(400, {
          type: 'idempotency_error',
          message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${request.key}' if you meant to execute a different request.`,
        });
      }
      return { status: stored.response_status, body: stored.response_body, replayed: true };
    }
    const answer = await work(tx);
    await tx.execute('insert into idempotency_records (scope, key, request_fingerprint) values (?, ?, ?)', [
      request.scope,
      request.key,
      requestFingerprint,
    ]);
    await storeIdempotentResponse(tx, request, answer);
    return { ...answer, replayed: false };
  });
}
