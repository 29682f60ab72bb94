/**
 * The express app every service is built on: request ids and logs, JSON bodies
 * with a size limit, a MikroORM request context, /health and /ready, Prometheus
 * metrics at /metrics (platform/metrics.ts), the spec at /openapi.json and as
 * browsable docs at /docs, and one error handler that answers every failure as problem+json.
 */
import type { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import express, { type ErrorRequestHandler, type Request, type Router } from 'express';
import { RequestContext, type EntityManager, type MikroORM } from '@mikro-orm/postgresql';
import { pino } from 'pino';
import { pinoHttp } from 'pino-http';
import swaggerUi from 'swagger-ui-express';
import { HttpProblem, PROBLEM_CONTENT_TYPE, type ProblemBody } from './problem';
import type { Logger } from '../logger';
import { authenticate, wwwAuthenticate, type TokenVerifier } from '../auth';
import { httpMetrics, METRICS_PATH, metricsEndpoint } from '../metrics';
import { activeTracing } from '../telemetry';

export const REQUEST_ID_HEADER = 'x-request-id';
export const DEFAULT_BODY_LIMIT = '64kb';
/** Request headers that carry credentials: a bearer token or cookie in a log is a credential in a log. */
export const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie'] as const;

export interface ServiceAppOptions {
  name: string;
  orm: MikroORM;
  logger: Logger;
  /** The service's OpenAPI document, served at /openapi.json. */
  spec: unknown;
  routes: Router;
  /** Reads the caller's bearer token into `req.principal` (see platform/auth.ts). */
  auth: TokenVerifier;
  bodyLimit?: string;
}

export function sendProblem(res: express.Response, problem: ProblemBody): void {
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/** body-parser and express raise these; they are the client's fault, so 4xx. */
function clientErrorFromMiddleware(error: unknown): HttpProblem | undefined {
  if (typeof error !== 'object' || error === null || !('type' in error)) return undefined;
  switch ((error as { type: unknown }).type) {
    case 'entity.parse.failed':
      return new HttpProblem(400, 'malformed-json', 'The request body is not valid JSON', undefined, {
        errors: [{ field: 'body', message: 'is not valid JSON' }],
      });
    case 'entity.too.large':
      return new HttpProblem(413, 'body-too-large', 'The request body is too large', `The limit is ${(error as { limit?: number }).limit ?? 'set by the service'} bytes`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpProblem(415, 'unsupported-encoding', 'The request body encoding is not supported');
    default:
      return undefined;
  }
}

export const REDACTED = '[redacted]';

/** `/users?email=ada@shop.example` → `/users?email=[redacted]`: the names stay, to read the log by; the values go. */
export function redactQueryString(url: string): string {
  const mark = url.indexOf('?');
  if (mark < 0) return url;
  const names = [...new URLSearchParams(url.slice(mark + 1)).keys()];
  return `${url.slice(0, mark)}?${names.map((name) => `${encodeURIComponent(name)}=${REDACTED}`).join('&')}`;
}

/** The headers with the credentials' values replaced; the request's own object when it has none. */
function loggedHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  let logged = headers;
  for (const name of CREDENTIAL_HEADERS) {
    if (headers[name] === undefined) continue;
    if (logged === headers) logged = { ...headers };
    logged[name] = REDACTED;
  }
  return logged;
}

/**
 * The request as the access log shows it: what pino's standard serialiser writes
 * (id, method, url, query, params, headers, remote address and port), with the
 * query string's values and the credentials gone (e-mail addresses, phone numbers
 * travel in queries). Built straight from the request rather than by wrapping the
 * standard serialiser (which builds a copy of its own first), and redacted here
 * rather than by pino's `redact` (which copies the request's object again to
 * censor it): this runs for every request, and every line logged with `req` goes
 * through it.
 */
function loggedRequest(req: IncomingMessage & { id?: unknown; params?: unknown; query?: unknown }) {
  const url = req.url ?? '';
  const hasQuery = url.includes('?');
  return {
    id: req.id,
    method: req.method,
    url: hasQuery ? redactQueryString(url) : url,
    query: hasQuery && req.query && typeof req.query === 'object' ? Object.fromEntries(Object.keys(req.query).map((name) => [name, REDACTED])) : {},
    params: req.params ?? {},
    headers: loggedHeaders(req.headers),
    remoteAddress: req.socket?.remoteAddress,
    remotePort: req.socket?.remotePort,
  };
}

/** The status; not the response's headers, which are the service's own (and one is the request id, logged already). */
function loggedResponse(res: ServerResponse) {
  return { statusCode: res.headersSent ? res.statusCode : null };
}

/**
 * Request logs with a request id: the caller's `x-request-id` when it is sane,
 * else a new one; answered in the response and set on the request, so a proxy
 * passes it on and one id follows a request through every service. Nothing
 * personal is logged: credentials (headers, cookies) and query values are
 * redacted, bodies are never logged.
 */
export function requestLogging(logger: Logger): express.RequestHandler {
  return pinoHttp({
    logger,
    serializers: { req: loggedRequest, res: loggedResponse, err: pino.stdSerializers.err },
    wrapSerializers: false,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const incoming = req.headers[REQUEST_ID_HEADER];
      const id = typeof incoming === 'string' && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
      req.headers[REQUEST_ID_HEADER] = id;
      res.setHeader(REQUEST_ID_HEADER, id);
      // While tracing: the id is on the request's server span too, to find its trace by it.
      activeTracing()?.annotateRequest(id);
      return id;
    },
    // Probes and scrapes would drown the log.
    autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/ready' || req.url === METRICS_PATH },
  });
}

/**
 * The forks of a request context, made when first asked for rather than when
 * the request arrives: a route that never touches the EntityManager (a read
 * straight from the connection, /health, the docs) pays for no fork, and a
 * route that does gets the same one fork for the whole request, as from
 * MikroORM's own `RequestContext.create`.
 */
class ForksOnFirstUse extends Map<string, EntityManager> {
  private forking = false;

  constructor(private readonly root: EntityManager) {
    super();
  }

  override get(name: string): EntityManager | undefined {
    const made = super.get(name);
    if (made || name !== this.root.name || this.forking) return made;
    // Forking reads the root's settings through the context, which would ask for this fork again.
    this.forking = true;
    try {
      const fork = this.root.fork({ useContext: true, disableContextResolution: true });
      this.set(name, fork);
      return fork;
    } finally {
      this.forking = false;
    }
  }
}

/** MikroORM keeps its request contexts in this AsyncLocalStorage; `RequestContext.create` would fork at once. */
const requestContexts: AsyncLocalStorage<RequestContext> = (() => {
  const { storage } = RequestContext as unknown as { storage?: AsyncLocalStorage<RequestContext> };
  if (!storage) throw new Error('MikroORM no longer keeps RequestContext.storage: platform/http/app.ts must make its request contexts another way');
  return storage;
})();

/** A MikroORM request context around the rest of the request, its EntityManager forked on first use. */
export function requestContext(orm: MikroORM): express.RequestHandler {
  const root = orm.em as EntityManager;
  return (_req, _res, next) => requestContexts.run(new RequestContext(new ForksOnFirstUse(root)), next);
}

/** Unknown routes, as problem+json. */
export const routeNotFound: express.RequestHandler = (req, res) => {
  sendProblem(res, new HttpProblem(404, 'route-not-found', 'No such route', `${req.method} ${req.path} is not part of this API`).toBody(req.originalUrl));
};

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

/**
 * A path the spec has, asked with a method it does not: 405 with `Allow` (RFC 9110), not a 404
 * that would claim the resource is missing. The spec's paths are the API's, so no route list is kept twice.
 */
export function methodNotAllowed(spec: unknown): express.RequestHandler {
  const paths = Object.entries((spec as { paths?: Record<string, Record<string, unknown>> }).paths ?? {}).map(([template, item]) => {
    const pattern = template.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')).join('[^/]+');
    const methods = HTTP_METHODS.filter((method) => method in item).map((method) => method.toUpperCase());
    // Express answers HEAD for every GET route.
    if (methods.includes('GET') && !methods.includes('HEAD')) methods.push('HEAD');
    return { pattern: new RegExp(`^${pattern}/?$`), methods };
  });
  return (req, res, next) => {
    const known = paths.find((path) => path.pattern.test(req.path));
    if (!known || known.methods.includes(req.method)) return next();
    res.setHeader('Allow', known.methods.join(', '));
    sendProblem(
      res,
      new HttpProblem(405, 'method-not-allowed', 'Method not allowed', `${req.method} is not allowed on ${req.path}; use ${known.methods.join(', ')}`).toBody(
        req.originalUrl,
      ),
    );
  };
}

/** Every error as problem+json: HttpProblems as they are, the client's mistakes as 4xx, anything else as a 500 with the request id. */
export const problemErrorHandler: ErrorRequestHandler = (error, req: Request, res, _next) => {
  const problem = error instanceof HttpProblem ? error : clientErrorFromMiddleware(error);
  if (problem) {
    if (problem.status === 401) res.setHeader('WWW-Authenticate', wwwAuthenticate(problem.type));
    sendProblem(res, problem.toBody(req.originalUrl));
    return;
  }
  req.log.error({ err: error }, 'unhandled error');
  sendProblem(res, {
    type: 'internal-error',
    title: 'Internal server error',
    status: 500,
    detail: `Something went wrong on our side; quote request id ${String(req.id)} when reporting it.`,
    instance: req.originalUrl,
  });
};

/**
 * `Cache-Control: no-store` on every response that can carry personal data:
 * whatever answers a caller who sent credentials, and whatever answers a
 * request that changes something (sign-up, login). An anonymous GET (the
 * catalog, stock, docs, static files) keeps its own caching, or none.
 * Routes may still set their own header after this one.
 */
export const noStoreForPersonalData: express.RequestHandler = (req, res, next) => {
  const safe = req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS';
  if (!safe || req.headers.authorization !== undefined) res.setHeader('Cache-Control', 'no-store');
  next();
};

export function createServiceApp(options: ServiceAppOptions): express.Express {
  const { orm, logger } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use(httpMetrics(options.name));
  app.use(requestLogging(logger));
  app.use(noStoreForPersonalData);
  app.use(express.json({ limit: options.bodyLimit ?? DEFAULT_BODY_LIMIT, type: ['application/json', 'application/*+json'] }));
  app.use(requestContext(orm));

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: options.name });
  });
  app.get('/ready', async (_req, res) => {
    try {
      await orm.em.getConnection().execute('select 1');
      res.json({ status: 'ready', service: options.name });
    } catch (error) {
      sendProblem(res, new HttpProblem(503, 'not-ready', 'The database is not reachable', String(error)).toBody());
    }
  });
  // For Prometheus, on the service's own port: services are internal, and the gateway routes only its allow-list.
  app.get(METRICS_PATH, metricsEndpoint);
  app.get('/openapi.json', (_req, res) => {
    res.json(options.spec);
  });
  // Human-readable docs from the same spec, served from local assets (no CDN).
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(options.spec as swaggerUi.JsonObject, { customSiteTitle: `${options.name} API` }));

  app.use(authenticate(options.auth), options.routes);

  app.use(methodNotAllowed(options.spec));
  app.use(routeNotFound);
  app.use(problemErrorHandler);
  return app;
}
