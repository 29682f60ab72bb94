import { readFileSync } from 'node:fs';
import path from 'node:path';
import express, { type ErrorRequestHandler } from 'express';
import { RequestContext, type MikroORM } from '@mikro-orm/postgresql';
import { parse } from 'yaml';
import { DEFAULT_BODY_LIMIT, requestLogging } from '../../platform/http/app';
import type { Logger } from '../../platform/logger';
import { invalidRequest, ProviderError } from './errors';
import { paymentProviderRoutes, type OutageSwitch } from './routes';
import { serveSimulatorBasics } from '../simulator';

export const paymentProviderSpec: unknown = parse(readFileSync(path.resolve(__dirname, '../../openapi/payment-provider.yaml'), 'utf8'));

export interface PaymentProviderAppOptions {
  orm: MikroORM;
  logger: Logger;
  /** The secret key callers must send. */
  apiKey: string;
  outage: OutageSwitch;
}

/** Every error in Stripe's shape; anything unexpected as a 500 `api_error` naming the request id. */
const stripeErrors: ErrorRequestHandler = (error, req, res, _next) => {
  let known: ProviderError | undefined = error instanceof ProviderError ? error : undefined;
  const bodyError = (error as { type?: unknown }).type;
  if (bodyError === 'entity.parse.failed') known = invalidRequest('Invalid JSON received.');
  if (bodyError === 'entity.too.large') known = invalidRequest('The request body is too large.');
  if (known) {
    res.status(known.status).json(known.toResponse());
    return;
  }
  req.log.error({ err: error }, 'unhandled error');
  res.status(500).json({ error: { type: 'api_error', message: `Something went wrong on the provider's side (request ${String(req.id)}).` } });
};

export function createPaymentProviderApp(options: PaymentProviderAppOptions): express.Express {
  const { orm } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestLogging(options.logger));
  app.use(express.json({ limit: DEFAULT_BODY_LIMIT }));
  app.use((_req, _res, next) => RequestContext.create(orm.em, next));

  serveSimulatorBasics(app, {
    name: 'payment-provider',
    title: 'payment provider simulator',
    orm,
    spec: paymentProviderSpec,
    notReady: (res) => res.status(503).json({ error: { type: 'api_error', message: 'The database is not reachable' } }),
  });

  app.use(paymentProviderRoutes(orm, options));
  app.use((req, res) => {
    res.status(404).json({ error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${req.path}).` } });
  });
  app.use(stripeErrors);
  return app;
}
