import type { Request, RequestHandler, Response } from 'express';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import {
  IDEMPOTENCY_HEADER,
  REPLAYED_HEADER,
  readIdempotencyKey,
  runIdempotently,
  storeIdempotentResponse,
  type HandlerResult,
} from '../idempotency';
import { PROBLEM_CONTENT_TYPE } from './problem';

export interface TransactionalResult extends HandlerResult {
  /**
   * Work for after the transaction has committed, for side effects a rollback
   * could not undo (sending an e-mail): doing them inside the transaction would
   * repeat them when a retry follows a rollback. It runs only for the request
   * that did the work, never for a replay. What it returns is the response, and
   * under an Idempotency-Key it replaces the stored one, so replays answer the same.
   */
  afterCommit?: () => Promise<HandlerResult>;
}

export type TransactionalHandler = (tx: EntityManager) => Promise<TransactionalResult>;

/** A handler's result as the response: problem+json for a problem, JSON otherwise. */
export function sendResult(res: Response, result: HandlerResult): void {
  const body = result.body as { type?: unknown } | null;
  const isProblem = result.status >= 400 && typeof body === 'object' && body !== null && 'type' in body;
  if (isProblem) res.status(result.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
  else if (result.body === undefined || result.status === 204) res.status(result.status).end();
  else res.status(result.status).json(result.body);
}

/** What a mutatingRoute handler says of its Idempotency-Key, so test/contract can hold the spec to it. */
export const IDEMPOTENCY_KEY_USE = Symbol('idempotency key use');
export type IdempotencyKeyUse = 'required' | 'optional';

/**
 * A mutating route. `prepare` checks the caller's rights, validates the request (so bad input is refused
 * before, and never stored under, the key) and returns the work to run in one
 * transaction. With an Idempotency-Key the work runs at most once per key.
 */
export function mutatingRoute(
  orm: MikroORM,
  options: { keyRequired: boolean },
  prepare: (req: Request) => TransactionalHandler,
): RequestHandler {
  const handler: RequestHandler = async (req, res) => {
    // prepare first: it checks who is calling, which comes before what they sent.
    const work = prepare(req);
    const key = readIdempotencyKey(req.headers[IDEMPOTENCY_HEADER], options.keyRequired);
    const em = orm.em.fork();
    // Set only when the handler's transaction got as far as returning; run only once it has committed.
    const deferred: Pick<TransactionalResult, 'afterCommit'> = {};
    const run = async (tx: EntityManager): Promise<HandlerResult> => {
      const { afterCommit, ...result } = await work(tx);
      deferred.afterCommit = afterCommit;
      return result;
    };
    if (!key) {
      const result = await em.transactional((tx) => run(tx as EntityManager));
      sendResult(res, deferred.afterCommit ? await deferred.afterCommit() : result);
      return;
    }
    const keyRef = { scope: req.principal?.subject ?? '', key };
    const outcome = await runIdempotently(em, { ...keyRef, method: req.method, path: req.baseUrl + req.path, body: req.body }, run);
    if (outcome.replayed) {
      res.setHeader(REPLAYED_HEADER, 'true');
      sendResult(res, outcome);
      return;
    }
    if (!deferred.afterCommit) {
      sendResult(res, outcome);
      return;
    }
    const final = await deferred.afterCommit();
    await storeIdempotentResponse(em, keyRef, final);
    sendResult(res, final);
  };
  const use: IdempotencyKeyUse = options.keyRequired ? 'required' : 'optional';
  return Object.assign(handler, { [IDEMPOTENCY_KEY_USE]: use });
}
