/**
 * One set of API docs for the whole shop, at the gateway's /docs: each
 * service's own spec (fetched from the service, so it is always the running
 * one), cut down to what the gateway routes and pointed at the gateway.
 */
import { Router } from 'express';
import swaggerUi from 'swagger-ui-express';
import { HttpProblem } from '../platform/http/problem';
import type { ServiceName } from '../platform/services';
import { GATEWAY_ROUTES, specPath } from './routes';

interface OpenApiDocument {
  servers?: { url: string }[];
  paths?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

const SPEC_FETCH_TIMEOUT_MS = 3_000;

/** The spec as the gateway serves it: only routed operations, and the gateway as the server. */
export function gatewayView(spec: OpenApiDocument, service: ServiceName, gatewayUrl: string): OpenApiDocument {
  const routed = GATEWAY_ROUTES.filter((route) => route.service === service);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    const kept = Object.fromEntries(
      Object.entries(item).filter(
        ([key]) => !['get', 'put', 'post', 'patch', 'delete'].includes(key) || routed.some((route) => specPath(route.path) === path && route.method.toLowerCase() === key),
      ),
    );
    if (Object.keys(kept).some((key) => ['get', 'put', 'post', 'patch', 'delete'].includes(key))) paths[path] = kept;
  }
  return { ...spec, servers: [{ url: gatewayUrl }], paths };
}

export function docsRouter(options: { serviceUrls: Record<ServiceName, string>; gatewayUrl: string; ownSpec: OpenApiDocument }): Router {
  const router = Router();
  const services = [...new Set(GATEWAY_ROUTES.map((route) => route.service))];

  router.get('/docs/specs/checkouts.json', (_req, res) => {
    res.json({ ...options.ownSpec, servers: [{ url: options.gatewayUrl }] });
  });
  router.get('/docs/specs/:service.json', async (req, res) => {
    const service = services.find((name) => name === req.params.service);
    if (!service) throw new HttpProblem(404, 'not-found', 'No such API', `No service named '${req.params.service}' behind this gateway`);
    let spec: OpenApiDocument;
    try {
      const response = await fetch(`${options.serviceUrls[service]}/openapi.json`, { signal: AbortSignal.timeout(SPEC_FETCH_TIMEOUT_MS) });
      if (!response.ok) throw new Error(`answered ${response.status}`);
      spec = (await response.json()) as OpenApiDocument;
    } catch (error) {
      throw new HttpProblem(503, 'service-unavailable', 'The service is not reachable', `${service}: ${error instanceof Error ? error.message : String(error)}`);
    }
    res.json(gatewayView(spec, service, options.gatewayUrl));
  });

  const urls = [{ url: '/docs/specs/checkouts.json', name: 'checkouts' }, ...services.map((name) => ({ url: `/docs/specs/${name}.json`, name }))];
  router.use('/docs', swaggerUi.serveFiles(undefined, { swaggerOptions: { urls } }), swaggerUi.setup(undefined, { customSiteTitle: 'Shop API', swaggerOptions: { urls } }));
  return router;
}
