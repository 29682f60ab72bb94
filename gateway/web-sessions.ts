/**
 * Browser sessions for the storefront (`/web/sessions`): the users service's
 * login and refresh, with the refresh token kept where page scripts cannot
 * read it. The gateway sets it as an HttpOnly, SameSite=Strict cookie scoped
 * to this path (Secure over HTTPS) and answers only the short-lived access
 * token, which the page holds in memory. An XSS bug can then use a session
 * while the page is open, but cannot carry a 30-day refresh token away.
 *
 * CSRF: SameSite=Strict keeps the cookie off cross-site requests, and the
 * endpoints also refuse any browser request that says it comes from another
 * site (Sec-Fetch-Site, else Origin), so a cross-site form cannot log a
 * shopper out or into another account.
 */
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { parse as parseCookies } from 'cookie';
import type { z } from 'zod';
import { HttpProblem } from '../platform/http/problem';
import { parseRequest } from '../platform/http/validate';
import { Credentials } from '../platform/http/shared-schemas';
import type { paths as UsersPaths } from '../services/users/api.gen';
import { createUsersClient, type UsersClient } from '../services/users/client';
import type { components } from './api.gen';

type Schemas = components['schemas'];
type UsersSession = UsersPaths['/sessions']['post']['responses']['200']['content']['application/json'];

export const REFRESH_COOKIE = 'shop_refresh';
export const WEB_SESSIONS_PATH = '/web/sessions';
const USERS_TIMEOUT_MS = 5_000;

// The users service's own rules (the e-mail normalised the same way); its answer decides the rest.
const WebLoginRequest = Credentials satisfies z.ZodType<Schemas['WebLoginRequest']>;

/** Browsers say where a request comes from; one from another site is refused (non-browser clients send neither header). */
export const sameOriginOnly: RequestHandler = (req, _res, next) => {
  const site = req.headers['sec-fetch-site'];
  const origin = req.headers.origin;
  let crossSite: boolean;
  if (typeof site === 'string') crossSite = site !== 'same-origin' && site !== 'none';
  else if (typeof origin === 'string') crossSite = originHost(origin) !== req.headers.host;
  else crossSite = false;
  if (crossSite) {
    next(new HttpProblem(403, 'cross-site-request', 'Cross-site request refused', 'Browser sessions are only for pages served by this gateway'));
    return;
  }
  next();
};

function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

function setRefreshCookie(req: Request, res: Response, token: string, maxAgeSeconds: number): void {
  res.cookie(REFRESH_COOKIE, token, {
    httpOnly: true,
    // req.secure follows X-Forwarded-Proto when GATEWAY_TRUST_PROXY is set (TLS ends at a load balancer).
    secure: req.secure,
    sameSite: 'strict',
    path: WEB_SESSIONS_PATH,
    maxAge: maxAgeSeconds * 1000,
  });
}

function clearRefreshCookie(req: Request, res: Response): void {
  res.clearCookie(REFRESH_COOKIE, { httpOnly: true, secure: req.secure, sameSite: 'strict', path: WEB_SESSIONS_PATH });
}

function refreshCookieOf(req: Request): string | undefined {
  const header = req.headers.cookie;
  return header ? parseCookies(header)[REFRESH_COOKIE] || undefined : undefined;
}

function usersUnavailable(error: unknown): HttpProblem {
  return new HttpProblem(503, 'service-unavailable', 'A service is not available', `The users service did not answer; try again shortly (${error instanceof Error ? error.message : String(error)})`);
}

/** The users service's refusal, passed on as it is (4xx), or a 503 for anything else. */
function usersRefusal(status: number, problem: unknown): HttpProblem {
  if (status >= 400 && status < 500 && problem && typeof problem === 'object') {
    const { type, title, detail, status: _status, instance: _instance, ...extensions } = problem as { type?: string; title?: string; detail?: string; status?: number; instance?: string };
    return new HttpProblem(status, type ?? 'refused', title ?? 'Refused', detail, extensions);
  }
  return new HttpProblem(503, 'service-unavailable', 'A service is not available', `The users service answered ${status}; try again shortly`);
}

function webSession(session: UsersSession): Schemas['WebSession'] {
  const { id, email, name, roles } = session.user;
  return { accessToken: session.accessToken, tokenType: 'Bearer', expiresIn: session.expiresIn, user: { id, email, name, roles } };
}

function requestIdOf(req: Request): Record<string, string> {
  const id = req.headers['x-request-id'];
  return typeof id === 'string' ? { 'x-request-id': id } : {};
}

export interface WebSessionsOptions {
  usersUrl: string;
  /** The login rate limit, shared with POST /sessions. */
  loginLimit: RequestHandler;
  users?: UsersClient;
}

export function webSessionsRouter(options: WebSessionsOptions): Router {
  const users = options.users ?? createUsersClient(options.usersUrl, { timeoutMs: USERS_TIMEOUT_MS });
  const router = Router();
  router.use(WEB_SESSIONS_PATH, sameOriginOnly, (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  router.post(WEB_SESSIONS_PATH, options.loginLimit, express.json({ limit: '4kb' }), async (req, res) => {
    const body = parseRequest('body', WebLoginRequest, req.body);
    const { data, error, response } = await users.POST('/sessions', { body, headers: requestIdOf(req) }).catch((failure: unknown) => {
      throw usersUnavailable(failure);
    });
    if (!data) throw usersRefusal(response.status, error);
    setRefreshCookie(req, res, data.refreshToken, data.refreshTokenExpiresIn);
    res.json(webSession(data));
  });

  router.post(`${WEB_SESSIONS_PATH}/refresh`, async (req, res) => {
    const refreshToken = refreshCookieOf(req);
    if (!refreshToken) throw new HttpProblem(401, 'not-signed-in', 'Not signed in', 'There is no session in this browser; log in');
    const { data, error, response } = await users.POST('/sessions/refresh', { body: { refreshToken }, headers: requestIdOf(req) }).catch((failure: unknown) => {
      throw usersUnavailable(failure);
    });
    if (!data) {
      // A refused token is gone for good (expired, used, or its login revoked): drop it. An outage keeps it for the next try.
      if (response.status === 400 || response.status === 401) clearRefreshCookie(req, res);
      throw response.status === 400 ? new HttpProblem(401, 'invalid-refresh-token', 'The session has ended', 'Log in again') : usersRefusal(response.status, error);
    }
    setRefreshCookie(req, res, data.refreshToken, data.refreshTokenExpiresIn);
    res.json(webSession(data));
  });

  router.post(`${WEB_SESSIONS_PATH}/logout`, async (req, res) => {
    const refreshToken = refreshCookieOf(req);
    if (refreshToken) {
      const { response } = await users.POST('/sessions/logout', { body: { refreshToken }, headers: requestIdOf(req) }).catch((failure: unknown) => {
        throw usersUnavailable(failure);
      });
      // 400: a cookie that could never be a token; there is nothing to revoke.
      if (response.status !== 204 && response.status !== 400) throw usersRefusal(response.status >= 500 ? response.status : 503, undefined);
    }
    clearRefreshCookie(req, res);
    res.status(204).end();
  });

  return router;
}
