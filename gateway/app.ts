/**
 * The gateway: the shop's one public entry point. It routes an allow-list of
 * the services' endpoints (gateway/routes.ts), refuses a bad token before it
 * reaches a service, limits rates and body sizes, sets security headers, gives
 * every request an id that follows it through the services, serves the
 * combined API docs, and answers the checkout endpoints itself.
 */
import express, { Router, type Router as ExpressRouter } from 'express';
import helmet from 'helmet';
import { createProxyMiddleware } from 'http-proxy-middleware';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { authenticate, requirePrincipal, type TokenVerifier } from '../platform/auth';
import { methodNotAllowed, noStoreForPersonalData, problemErrorHandler, requestLogging, routeNotFound, sendProblem } from '../platform/http/app';
import { HttpProblem } from '../platform/http/problem';
import type { Logger } from '../platform/logger';
import { httpMetrics } from '../platform/metrics';
import type { OpenApiDocument } from '../platform/openapi';
import type { ServiceName } from '../platform/services';
import { docsRouter, gatewayApiSpec, routedServiceSpecs } from './docs';
import { createRateLimiters, type RateLimitConfig } from './rate-limits';
import { GATEWAY_ROUTES } from './routes';
import { storefront } from './web';

export const GATEWAY_BODY_LIMIT_BYTES = 64 * 1024;
const PROXY_TIMEOUT_MS = 15_000;

export interface GatewayOptions {
  logger: Logger;
  auth: TokenVerifier;
  serviceUrls: Record<ServiceName, string>;
  /** Where clients reach the gateway; the docs point there. */
  publicUrl: string;
  rateLimits: RateLimitConfig;
  /** The gateway's own spec (checkouts). */
  ownSpec: OpenApiDocument;
  /** The routed services' specs, for the gateway's whole spec at /openapi.json; by default the ones it was built with. */
  serviceSpecs?: ReturnType<typeof routedServiceSpecs>;
  /** The gateway's own endpoints (checkouts); they run after authentication and the general rate limit. */
  ownRoutes?: ExpressRouter;
  /** Whether to trust X-Forwarded-For (behind a load balancer), for per-address rate limits. */
  trustProxy?: boolean;
}

/** Refuses a declared body over the limit before it is forwarded; services also enforce their own. */
const bodyLimit: express.RequestHandler = (req, _res, next) => {
  const length = Number(req.headers['content-length'] ?? 0);
  if (length > GATEWAY_BODY_LIMIT_BYTES) {
    next(new HttpProblem(413, 'body-too-large', 'The request body is too large', `The limit is ${GATEWAY_BODY_LIMIT_BYTES} bytes`));
    return;
  }
  next();
};

const needsToken: express.RequestHandler = (req, _res, next) => {
  requirePrincipal(req);
  next();
};

function proxyTo(service: ServiceName, target: string, logger: Logger): express.RequestHandler {
  return createProxyMiddleware<IncomingMessage, ServerResponse>({
    target,
    xfwd: true,
    proxyTimeout: PROXY_TIMEOUT_MS,
    timeout: PROXY_TIMEOUT_MS,
    on: {
      error: (error: Error, req: IncomingMessage, res: ServerResponse | Socket) => {
        logger.warn({ err: error, service }, 'service unreachable through the gateway');
        if (!('setHeader' in res) || res.headersSent) {
          res.destroy();
          return;
        }
        const timedOut = (error as NodeJS.ErrnoException).code === 'ECONNRESET' || /timeout/i.test(error.message);
        sendProblem(
          res as unknown as express.Response,
          new HttpProblem(timedOut ? 504 : 503, 'service-unavailable', 'A service is not available', `The ${service} service did not answer; try again shortly`).toBody(
            req.url,
          ),
        );
      },
    },
  });
}

export function createGatewayApp(options: GatewayOptions): express.Express {
  const { logger } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', options.trustProxy ?? false);

  // Its /metrics is not here, where shoppers are, but on a port of its own (gateway/main.ts).
  app.use(httpMetrics('gateway'));
  app.use(requestLogging(logger));
  app.use(noStoreForPersonalData);
  // Swagger UI runs its own scripts and styles from this origin; everything else keeps helmet's defaults.
  app.use(helmet({ contentSecurityPolicy: { directives: { 'img-src': ["'self'", 'data:'] } } }));
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: 'gateway' });
  });
  app.get('/ready', (_req, res) => {
    res.json({ status: 'ready', service: 'gateway' });
  });
  // The shoppers' whole API: what /openapi.json serves, and what says which methods a path takes.
  const apiSpec = gatewayApiSpec(options.ownSpec, options.serviceSpecs ?? routedServiceSpecs(), options.publicUrl);
  app.use(docsRouter({ serviceUrls: options.serviceUrls, gatewayUrl: options.publicUrl, ownSpec: options.ownSpec, apiSpec }));

  const limiters = createRateLimiters(options.rateLimits);
  app.use(limiters.general, bodyLimit, authenticate(options.auth));
  // Checkouts start payments: limited per customer (needsToken first, so the limit counts the customer, not the address).
  app.post('/checkouts', needsToken, limiters.checkout);
  if (options.ownRoutes) app.use(options.ownRoutes);
  app.use(storefront(options, limiters));

  const proxies = Object.fromEntries(
    Object.entries(options.serviceUrls).map(([service, url]) => [service, proxyTo(service as ServiceName, url, logger)]),
  ) as Record<ServiceName, express.RequestHandler>;
  const routed = Router();
  for (const route of GATEWAY_ROUTES) {
    const handlers: express.RequestHandler[] = [];
    if (!route.public) handlers.push(needsToken);
    if (route.limit) handlers.push(limiters[route.limit]);
    handlers.push(proxies[route.service]);
    routed[route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](route.path, ...handlers);
  }
  app.use(routed);

  app.use(methodNotAllowed(apiSpec));
  app.use(routeNotFound);
  app.use(problemErrorHandler);
  return app;
}
