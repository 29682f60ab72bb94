/**
 * A mutating route whose work calls the payment provider. mutatingRoute runs
 * its work in the transaction that holds the Idempotency-Key, which would put
 * the provider inside a transaction; here the key is claimed in a transaction
 * of its own, the work runs in several (the provider called between them), and
 * the response is stored at the end. A repeat that finds the key claimed but
 * unanswered (the first request is still at work, or it died) runs the work
 * again, and the work resumes what the first left, asking the provider again
 * under the same provider key: never a second charge or refund.
 */
import type { Request, RequestHandler } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import { IDEMPOTENCY_KEY_USE, type IdempotencyKeyUse, sendResult } from '../../platform/http/idempotent-route';
import { HttpProblem } from '../../platform/http/problem';
import { claimIdempotencyKey, IDEMPOTENCY_HEADER, readIdempotencyKey, REPLAYED_HEADER, storeIdempotentResponse, type HandlerResult } from '../../platform/idempotency';
import type { RequestedBy } from './attempts';

export type ResumableWork = (requestedBy: RequestedBy | undefined) => Promise<HandlerResult>;

/** Refusals (4xx problems) are answers and are stored under the key, as mutatingRoute stores them; a 5xx stores nothing. */
async function answer(work: () => Promise<HandlerResult>): Promise<HandlerResult> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof HttpProblem) || error.status >= 500) throw error;
    return { status: error.status, body: error.toBody() };
  }
}

/** `prepare` checks the caller's rights and validates the request (so bad input never claims a key), and returns the work. */
export function resumableRoute(orm: MikroORM, options: { keyRequired: boolean }, prepare: (req: Request) => ResumableWork): RequestHandler {
  const handler: RequestHandler = async (req, res) => {
    const work = prepare(req);
    const key = readIdempotencyKey(req.headers[IDEMPOTENCY_HEADER], options.keyRequired);
    if (!key) {
      sendResult(res, await answer(() => work(undefined)));
      return;
    }
    const requestedBy = { scope: req.principal?.subject ?? '', key };
    const em = orm.em.fork();
    const stored = await claimIdempotencyKey(em, { ...requestedBy, method: req.method, path: req.baseUrl + req.path, body: req.body });
    if (stored) {
      res.setHeader(REPLAYED_HEADER, 'true');
      sendResult(res, stored);
      return;
    }
    const result = await answer(() => work(requestedBy));
    await storeIdempotentResponse(em, requestedBy, result);
    sendResult(res, result);
  };
  const use: IdempotencyKeyUse = options.keyRequired ? 'required' : 'optional';
  return Object.assign(handler, { [IDEMPOTENCY_KEY_USE]: use });
}
