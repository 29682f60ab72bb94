/**
 * The storefront at the gateway's `/`: the built single-page app (web/, built
 * into web/dist by `npm run build:web`) as static files, and the browser
 * session endpoints it logs in with (gateway/web-sessions.ts).
 *
 * Caching: files under /assets/ carry a content hash in their names, so they
 * are cached for a year; index.html is revalidated on every load (no-cache),
 * so a new build is picked up at once. Any other GET that asks for HTML and
 * is not an API path gets index.html, and the app routes it in the browser.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import { HttpProblem } from '../platform/http/problem';
import type { GatewayOptions } from './app';
import { GATEWAY_ROUTES } from './routes';
import { webSessionsRouter } from './web-sessions';

export const WEB_DIST = path.resolve(__dirname, '../web/dist');
const HASHED_ASSETS = '/assets/';
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The first path segment of everything the gateway answers itself or routes: never the app's. */
export function apiPrefixes(ownSpec: GatewayOptions['ownSpec']): Set<string> {
  const ownPaths = Object.keys((ownSpec as { paths?: Record<string, unknown> }).paths ?? {});
  const all = [...GATEWAY_ROUTES.map((route) => route.path), ...ownPaths, '/docs', '/health', '/ready', '/openapi.json'];
  return new Set(all.map((apiPath) => apiPath.split('/')[1] ?? ''));
}

export interface StorefrontOptions {
  /** The built app; WEB_DIST unless a test builds elsewhere. */
  root?: string;
  ownSpec: GatewayOptions['ownSpec'];
}

/** The built app's files, and index.html for the app's own routes. */
export function storefrontFiles(options: StorefrontOptions): Router {
  const root = options.root ?? WEB_DIST;
  const index = path.join(root, 'index.html');
  const prefixes = apiPrefixes(options.ownSpec);
  const router = Router();
  router.use(
    express.static(root, {
      index: false,
      redirect: false,
      dotfiles: 'ignore',
      setHeaders: (res, file) => {
        const hashed = path.relative(root, file).startsWith(HASHED_ASSETS.slice(1));
        res.setHeader('Cache-Control', hashed ? IMMUTABLE : 'no-cache');
      },
    }),
  );
  const appRoute: RequestHandler = (req, res, next) => {
    const firstSegment = req.path.split('/')[1] ?? '';
    const wantsPage = (req.method === 'GET' || req.method === 'HEAD') && /text\/html/.test(req.headers.accept ?? '');
    // A path with a file extension is a missing file, not a page: a 404 beats HTML where a script was expected.
    if (!wantsPage || prefixes.has(firstSegment) || path.extname(req.path) !== '') {
      next();
      return;
    }
    if (!existsSync(index)) {
      next(new HttpProblem(503, 'storefront-not-built', 'The storefront is not built', 'Run `npm run build:web` (npm start does it when the build is stale)'));
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  };
  router.use(appRoute);
  return router;
}

/** Everything the storefront needs from the gateway, mounted once in gateway/app.ts. */
export function storefront(options: GatewayOptions, limiters: { login: RequestHandler }): Router {
  const router = Router();
  router.use(webSessionsRouter({ usersUrl: options.serviceUrls.users, loginLimit: limiters.login }));
  router.use(storefrontFiles({ ownSpec: options.ownSpec }));
  return router;
}
