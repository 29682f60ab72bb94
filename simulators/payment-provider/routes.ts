import { timingSafeEqual } from 'node:crypto';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { createCharge, createPaymentMethod, createRefund, listRefunds, retrieveCharge, searchCharges, toChargeView, toRefundView } from './domain';
import { invalidParameters, invalidRequest, ProviderError, unavailable } from './errors';
import { answerOnce, type Answer } from './idempotency';
import {
  ChargeParams,
  CreateChargeRequest,
  CreatePaymentMethodRequest,
  CreateRefundRequest,
  IdempotencyKey,
  ListRefundsQuery,
  Outage,
  parseMetadataQuery,
  SearchChargesQuery,
} from './schemas';

/** `PAYMENTS_PROVIDER_OUTAGE=true` puts the provider in an outage for as long as it is set. */
export const OUTAGE_ENV = 'PAYMENTS_PROVIDER_OUTAGE';

export interface OutageSwitch {
  active(): boolean;
  set(active: boolean): void;
}

/** The environment is read on every call, so an outage can start and end while the simulator runs. */
export function outageSwitch(env: Record<string, string | undefined>): OutageSwitch {
  let switchedOn = false;
  return {
    active: () => env[OUTAGE_ENV] === 'true' || switchedOn,
    set(active) {
      switchedOn = active;
    },
  };
}

/** The one account: the only scope idempotency keys have. */
const ACCOUNT = 'acct_simulator';

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalidParameters(result.error);
  return result.data;
}

function requireSecretKey(apiKey: string): RequestHandler {
  const expected = Buffer.from(`Bearer ${apiKey}`);
  return (req, _res, next) => {
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return next();
    next(
      new ProviderError(401, {
        type: 'invalid_request_error',
        message: req.headers.authorization ? 'Invalid API Key provided.' : 'You did not provide an API key. Send it as "Authorization: Bearer <secret key>".',
      }),
    );
  };
}

function send(res: Response, answer: Answer & { replayed?: boolean }): void {
  if (answer.replayed) res.setHeader('Idempotent-Replayed', 'true');
  res.status(answer.status).json(answer.body);
}

export function paymentProviderRoutes(orm: MikroORM, options: { apiKey: string; outage: OutageSwitch }): Router {
  const router = Router();
  const em = () => orm.em.fork() as EntityManager;

  /** A POST: validated, then run once per Idempotency-Key (or in a plain transaction without one). */
  function mutation<S extends z.ZodType>(schema: S, work: (tx: EntityManager, body: z.output<S>) => Promise<Answer>): RequestHandler {
    return async (req: Request, res: Response) => {
      const key = IdempotencyKey.safeParse(req.headers['idempotency-key']);
      if (!key.success) throw invalidRequest('Invalid Idempotency-Key: it must be 1-255 printable ASCII characters without spaces.', { param: 'Idempotency-Key' });
      const body = parse(schema, req.body ?? {});
      if (!key.data) {
        send(res, await em().transactional((tx) => work(tx as EntityManager, body)));
        return;
      }
      send(res, await answerOnce(em(), { scope: ACCOUNT, key: key.data, method: req.method, path: req.baseUrl + req.path, body: req.body }, (tx) => work(tx, body)));
    };
  }

  router.use('/v1', requireSecretKey(options.apiKey));

  router.get('/v1/test_helpers/outage', (_req, res) => {
    res.json({ active: options.outage.active() });
  });
  router.post('/v1/test_helpers/outage', (req, res) => {
    options.outage.set(parse(Outage, req.body ?? {}).active);
    res.json({ active: options.outage.active() });
  });

  router.use('/v1', (_req, _res, next) => next(options.outage.active() ? unavailable() : undefined));

  router.post('/v1/payment_methods', mutation(CreatePaymentMethodRequest, createPaymentMethod));
  router.post('/v1/charges', mutation(CreateChargeRequest, createCharge));
  router.post('/v1/refunds', mutation(CreateRefundRequest, createRefund));

  router.get('/v1/charges/search', async (req, res) => {
    const query = parse(SearchChargesQuery, req.query);
    const metadata = parseMetadataQuery(query.query);
    if (!metadata) throw invalidRequest("Invalid query: this provider understands only metadata['<key>']:'<value>'.", { param: 'query' });
    const { charges, hasMore } = await searchCharges(em(), metadata, query.limit);
    res.json({ object: 'search_result', data: charges.map(toChargeView), has_more: hasMore, url: '/v1/charges/search' });
  });

  router.get('/v1/charges/:charge', async (req, res) => {
    const { charge } = parse(ChargeParams, req.params);
    res.json(toChargeView(await retrieveCharge(em(), charge)));
  });

  router.get('/v1/refunds', async (req, res) => {
    const query = parse(ListRefundsQuery, req.query);
    const { refunds, hasMore } = await listRefunds(em(), query.charge, query.limit);
    res.json({ object: 'list', data: refunds.map(toRefundView), has_more: hasMore, url: '/v1/refunds' });
  });

  return router;
}
