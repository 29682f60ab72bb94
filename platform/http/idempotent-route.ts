import type { Request, RequestHandler, Response } from 'express';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { IDEMPOTENCY_HEADER, REPLAYED_HEADER, readIdempotencyKey, runIdempotently, type HandlerResult } from '../idempotency';
import { PROBLEM_CONTENT_TYPE } from './problem';

export type TransactionalHandler = (tx: EntityManager) => Promise<HandlerResult>;

function send(res: Response, result: HandlerResult): void {
  const body = result.body as { type?: unknown } | null;
  const isProblem = result.status >= 400 && typeof body === 'object' && body !== null && 'type' in body;
  if (isProblem) res.status(result.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
  else if (result.body === undefined || result.status === 204) res.status(result.status).end();
  else res.status(result.status).json(result.body);
}

/**
 * A mutating route. `prepare` validates the request (so bad input is refused
 * before, and never stored under, the key) and returns the work to run in one
 * transaction. With an Idempotency-Key the work runs at most once per key.
 */
export function mutatingRoute(
  orm: MikroORM,
  options: { keyRequired: boolean },
  prepare: (req: Request) => TransactionalHandler,
): RequestHandler {
  return async (req, res) => {
    const key = readIdempotencyKey(req.headers[IDEMPOTENCY_HEADER], options.keyRequired);
    const work = prepare(req);
    const em = orm.em.fork();
    if (!key) {
      send(res, await em.transactional((tx) => work(tx as EntityManager)));
      return;
    }
    const outcome = await runIdempotently(em, { key, method: req.method, path: req.baseUrl + req.path, body: req.body }, work);
    if (outcome.replayed) res.setHeader(REPLAYED_HEADER, 'true');
    send(res, outcome);
  };
}
