/**
 * A mutating route whose work needs no transaction of the route's own: every write it makes is one
 * statement, or one query of several statements (which PostgreSQL runs as one transaction), and a
 * refusal writes nothing; work that needs more opens its own transaction. Without an
 * Idempotency-Key it runs on the request's entity manager as it is, which saves the `BEGIN` and
 * `COMMIT` round trips mutatingRoute's transaction costs; with a key it is a mutatingRoute, run
 * in the key's transaction (the key's row must be locked before the work and its response stored
 * with the work's writes).
 */
import type { Request, RequestHandler } from 'express';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { IDEMPOTENCY_KEY_USE, mutatingRoute, sendResult, type TransactionalHandler } from './idempotent-route';
import { IDEMPOTENCY_HEADER } from '../idempotency';

/** `prepare` as for mutatingRoute: it checks the caller's rights and validates the request, then returns the work. */
export function atomicRoute(orm: MikroORM, prepare: (req: Request) => TransactionalHandler): RequestHandler {
  const keyed = mutatingRoute(orm, { keyRequired: false }, prepare);
  const handler: RequestHandler = async (req, res, next) => {
    if (req.headers[IDEMPOTENCY_HEADER] !== undefined) {
      await keyed(req, res, next);
      return;
    }
    const { afterCommit, ...result } = await prepare(req)(orm.em.fork() as EntityManager);
    sendResult(res, afterCommit ? await afterCommit() : result);
  };
  return Object.assign(handler, { [IDEMPOTENCY_KEY_USE]: (keyed as unknown as Record<symbol, unknown>)[IDEMPOTENCY_KEY_USE] });
}
