/**
 * The codec server: Temporal's remote codec protocol (POST <endpoint>/decode
 * and /encode, `{"payloads": [{"metadata": {k: base64}, "data": base64}]}`)
 * over the shop's encryption codec, so the Temporal UI (and the `temporal`
 * CLI) can show staff what Temporal only stores encrypted.
 *
 * Who may: support and admin staff, with an access token of the users
 * service, sent as `Authorization: Bearer` (the CLI's --codec-auth, scripts)
 * or as the session cookie this server sets when staff sign in at /codec/
 * (the UI sends it with "Include cross-origin credentials"). Customers and
 * services are refused. CORS answers only the Temporal UI's origins, and
 * browsers from anywhere else are refused outright.
 *
 * It never logs a payload: request logs carry no bodies, no credentials and
 * no query values; each decode logs who asked, for which namespace, how many.
 */
import cors from 'cors';
import express, { Router, type Request, type RequestHandler } from 'express';
import helmet from 'helmet';
import { parse as parseCookies } from 'cookie';
import { decodeJwt } from 'jose';
import { z } from 'zod';
import { ValueError, type Payload, type PayloadCodec } from '@temporalio/common';
import { hasRole, principalFromToken, type Principal, type TokenVerifier } from '../platform/auth';
import { problemErrorHandler, requestLogging, routeNotFound } from '../platform/http/app';
import { httpMetrics, METRICS_PATH, metricsEndpoint } from '../platform/metrics';
import { HttpProblem } from '../platform/http/problem';
import { parseRequest } from '../platform/http/validate';
import type { Logger } from '../platform/logger';
import { UnknownCodecKeyError } from '../platform/temporal-codec';
import type { UsersClient } from '../services/users/client';
import { createRateLimiters, rateLimitConfig } from '../gateway/rate-limits';
import { sameOriginOnly } from '../gateway/web-sessions';
import { CODEC_PATH } from './config';
import { codecPage, type PageState } from './page';

export { CODEC_PATH };

export const SESSION_COOKIE = 'codec_session';
/** The UI sends a whole history's payloads at once. */
const BODY_LIMIT = '8mb';
const STAFF_ROLES = ['support', 'admin'] as const;

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** Checks the users service's access tokens. */
  auth: TokenVerifier;
  /** For staff signing in. */
  users: UsersClient;
  /** Where the Temporal UI is served from: the only origins CORS answers. */
  uiOrigins: string[];
  /** Where browsers reach this server; https makes the session cookie Secure. */
  publicUrl: string;
  logger: Logger;
}

const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const JsonPayload = z.object({
  metadata: z.record(z.string(), Base64).nullish(),
  data: Base64.nullish(),
});
const CodecRequest = z.object({ payloads: z.array(JsonPayload).max(10_000) });
type JsonPayload = z.infer<typeof JsonPayload>;

function fromJson({ metadata, data }: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')])),
    data: Buffer.from(data ?? '', 'base64'),
  };
}

function toJson({ metadata, data }: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([key, value]) => [key, Buffer.from(value ?? []).toString('base64')])),
    data: Buffer.from(data ?? []).toString('base64'),
  };
}

function tokenOf(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer ([A-Za-z0-9_.~+/-]+=*)$/i.exec(header.trim());
    if (!match?.[1]) throw new HttpProblem(401, 'invalid-token', 'Authentication required', 'The Authorization header must be "Bearer <access token>"');
    return match[1];
  }
  return parseCookies(req.headers.cookie ?? '')[SESSION_COOKIE] || undefined;
}

export function createCodecServerApp(options: CodecServerOptions): express.Express {
  const { codec, auth, users, uiOrigins, logger } = options;
  const ownOrigin = new URL(options.publicUrl).origin;
  const secureCookie = ownOrigin.startsWith('https:');
  const endpoint = `${ownOrigin}${CODEC_PATH}`;

  const staff = async (req: Request): Promise<Principal> => {
    const token = tokenOf(req);
    if (!token) {
      throw new HttpProblem(401, 'unauthenticated', 'Authentication required', `Sign in as support or admin at ${endpoint}/, or send Authorization: Bearer <access token>`);
    }
    const principal = await principalFromToken(auth, token);
    if (!hasRole(principal, ...STAFF_ROLES)) throw new HttpProblem(403, 'forbidden', 'Not allowed', 'Only support and admin staff may decode payloads');
    return principal;
  };

  const browsersFromTheUiOnly: RequestHandler = (req, _res, next) => {
    const origin = req.headers.origin;
    if (origin === undefined || origin === ownOrigin || uiOrigins.includes(origin)) return next();
    next(new HttpProblem(403, 'origin-not-allowed', 'Origin not allowed', `Only the Temporal UI (${uiOrigins.join(', ')}) may call the codec server from a browser`));
  };

  const codecCors = cors({
    origin: uiOrigins,
    credentials: true,
    methods: ['POST'],
    allowedHeaders: ['content-type', 'x-namespace', 'authorization', 'authorization-extras'],
    maxAge: 600,
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(httpMetrics('codec-server'));
  app.use(requestLogging(logger));
  // The UI reads the answers across origins (CORS decides who); everything else keeps helmet's defaults.
  app.use(helmet({ crossOriginResourcePolicy: { policy: 'same-site' } }));
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: 'codec-server' });
  });
  app.get('/ready', (_req, res) => {
    res.json({ status: 'ready', service: 'codec-server' });
  });
  // Counts and timings only, never a payload; staff reach this server, shoppers do not.
  app.get(METRICS_PATH, metricsEndpoint);

  const routes = Router();
  // Every answer here is about a person: decoded payloads, or a staff member's session.
  routes.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  for (const operation of ['decode', 'encode'] as const) {
    routes.options(`/${operation}`, codecCors);
    routes.post(`/${operation}`, codecCors, browsersFromTheUiOnly, express.json({ limit: BODY_LIMIT }), async (req, res) => {
      const principal = await staff(req);
      const { payloads } = parseRequest('body', CodecRequest, req.body ?? {});
      let result: Payload[];
      try {
        result = await codec[operation](payloads.map(fromJson));
      } catch (error) {
        if (error instanceof UnknownCodecKeyError) throw new HttpProblem(422, 'unknown-codec-key', 'A payload is encrypted with an unknown key', error.message);
        if (error instanceof ValueError) throw new HttpProblem(422, 'undecodable-payload', 'A payload cannot be decoded', error.message);
        throw error;
      }
      // Who read what, never the payloads themselves.
      req.log.info({ subject: principal.subject, roles: principal.roles, namespace: req.headers['x-namespace'], payloads: payloads.length }, `codec: ${operation}d payloads for staff`);
      res.json({ payloads: result.map(toJson) });
    });
  }

  const pageState = async (req: Request): Promise<PageState> => {
    const state: PageState = { endpoint, basePath: CODEC_PATH, uiOrigins };
    const token = parseCookies(req.headers.cookie ?? '')[SESSION_COOKIE];
    if (!token) return state;
    try {
      const principal = await principalFromToken(auth, token);
      const claims = decodeJwt(token);
      state.signedIn = { email: typeof claims.email === 'string' ? claims.email : principal.subject, roles: principal.roles, until: new Date(claims.exp! * 1000) };
    } catch {
      state.message = 'Your sign-in has ended: sign in again.';
    }
    return state;
  };
  const page = (status: number, state: PageState) => (res: express.Response) => res.status(status).type('html').send(codecPage(state));

  routes.get('/', async (req, res) => {
    page(200, await pageState(req))(res);
  });

  const signInLimit = createRateLimiters(rateLimitConfig({})).login;
  routes.post('/session', sameOriginOnly, signInLimit, express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const state: PageState = { endpoint, basePath: CODEC_PATH, uiOrigins };
    const email = typeof req.body?.email === 'string' ? req.body.email : '';
    const password = typeof req.body?.password === 'string' ? req.body.password : '';
    const { data, response } = await users.POST('/sessions', { body: { email, password } }).catch((error: unknown) => {
      throw new HttpProblem(503, 'service-unavailable', 'A service is not available', `The users service did not answer; try again shortly (${error instanceof Error ? error.message : String(error)})`);
    });
    if (!data) {
      if (response.status >= 500) throw new HttpProblem(503, 'service-unavailable', 'A service is not available', `The users service answered ${response.status}; try again shortly`);
      page(response.status === 429 ? 429 : 401, { ...state, message: response.status === 429 ? 'Too many attempts: wait a minute.' : 'That e-mail and password do not match a staff account.' })(res);
      return;
    }
    // This server keeps only the short-lived access token: the refresh token is revoked at once.
    await users.POST('/sessions/logout', { body: { refreshToken: data.refreshToken } }).catch(() => undefined);
    const principal = await principalFromToken(auth, data.accessToken);
    if (!hasRole(principal, ...STAFF_ROLES)) {
      page(403, { ...state, message: 'Only support and admin staff may see decoded payloads.' })(res);
      return;
    }
    res.cookie(SESSION_COOKIE, data.accessToken, { httpOnly: true, sameSite: 'strict', secure: secureCookie, path: CODEC_PATH, maxAge: data.expiresIn * 1000 });
    logger.info({ subject: principal.subject, roles: principal.roles }, 'codec: staff signed in');
    res.redirect(303, `${CODEC_PATH}/`);
  });

  routes.post('/session/logout', sameOriginOnly, (_req, res) => {
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: secureCookie, path: CODEC_PATH });
    res.redirect(303, `${CODEC_PATH}/`);
  });

  app.use(CODEC_PATH, routes);
  app.use(routeNotFound);
  // The UI reads the problem's status; the body never echoes what was sent.
  app.use(problemErrorHandler);
  return app;
}
