/**
 * The gateway's contract and docs.
 *
 * - `/openapi.json`: the shoppers' whole API as one spec: the gateway's own
 *   endpoints (openapi/gateway.yaml) and every routed operation of the services,
 *   from the specs this gateway was built with. The gateway answers 405 from it.
 * - `/docs`: one Swagger UI over each service's own spec (fetched from the
 *   service, so it is always the running one) and the gateway's, each cut down
 *   to what the gateway routes and pointed at the gateway.
 *
 * Either way, each routed operation also lists what the gateway itself may
 * answer in front of the service: 429 (rate limits), 503 (the service is down)
 * and 504 (it did not answer in time).
 */
import { Router } from 'express';
import swaggerUi from 'swagger-ui-express';
import { HttpProblem } from '../platform/http/problem';
import { loadSpec, type OpenApiDocument } from '../platform/openapi';
import type { ServiceName } from '../platform/services';
import { GATEWAY_ROUTES, specPath } from './routes';

const SPEC_FETCH_TIMEOUT_MS = 3_000;
const OPERATION_KEYS = ['get', 'put', 'post', 'patch', 'delete'];

type Json = Record<string, unknown>;

const problem = (description: string, headers: Json = {}) => ({
  description,
  ...(Object.keys(headers).length > 0 ? { headers } : {}),
  // Every spec of the shop defines its Problem schema (test/contract checks it).
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** What the gateway may answer on any routed operation, whatever the service behind it says. */
export const GATEWAY_RESPONSES: Readonly<Record<'429' | '503' | '504', Json>> = {
  '429': problem('`rate-limited` at the gateway: too many requests from this client; try again after `Retry-After` seconds', {
    'Retry-After': { description: 'Seconds until the limit resets', schema: { type: 'integer' } },
  }),
  '503': problem('`service-unavailable`: the service behind the gateway is not reachable; try again shortly'),
  '504': problem('`service-unavailable`: the service behind the gateway did not answer in time; try again shortly'),
};

/** The spec as the gateway serves it: only routed operations, the gateway's own answers added, and the gateway as the server. */
export function gatewayView(spec: OpenApiDocument, service: ServiceName, gatewayUrl: string): OpenApiDocument {
  const routed = GATEWAY_ROUTES.filter((route) => route.service === service);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    const kept = Object.fromEntries(
      Object.entries(item)
        .filter(([key]) => !OPERATION_KEYS.includes(key) || routed.some((route) => specPath(route.path) === path && route.method.toLowerCase() === key))
        .map(([key, value]) => {
          if (!OPERATION_KEYS.includes(key)) return [key, value];
          const operation = value as { responses?: Json };
          // A service's own 503 (say, its provider is down) keeps its description: the body is a Problem either way.
          return [key, { ...operation, responses: { ...GATEWAY_RESPONSES, ...operation.responses } }];
        }),
    );
    if (Object.keys(kept).some((key) => OPERATION_KEYS.includes(key))) paths[path] = kept;
  }
  return { ...spec, servers: [{ url: gatewayUrl }], paths };
}

/** Every `#/components/<kind>/<name>` in `node` made `#/components/<kind>/<prefix>.<name>`. */
function prefixReferences(node: unknown, prefix: string): unknown {
  if (Array.isArray(node)) return node.map((item) => prefixReferences(item, prefix));
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' ? value.replace(/^#\/components\/([^/]+)\//, `#/components/$1/${prefix}.`) : prefixReferences(value, prefix),
    ]),
  );
}

/**
 * The shoppers' whole API in one spec: the gateway's own endpoints, then each service's
 * routed operations. A service's components are kept under `<service>.<name>`, since
 * every spec names its own `Problem`; one bearer scheme serves them all.
 */
export function gatewayApiSpec(ownSpec: OpenApiDocument, serviceSpecs: Partial<Record<ServiceName, OpenApiDocument>>, gatewayUrl: string): OpenApiDocument {
  const components: Record<string, Record<string, unknown>> = structuredClone(ownSpec.components ?? {});
  const paths: Record<string, Record<string, unknown>> = structuredClone(ownSpec.paths ?? {});
  const tags = new Map<string, unknown>(((ownSpec.tags ?? []) as { name: string }[]).map((tag) => [tag.name, tag]));
  for (const [service, spec] of Object.entries(serviceSpecs) as [ServiceName, OpenApiDocument][]) {
    const view = prefixReferences(gatewayView(spec, service, gatewayUrl), service) as OpenApiDocument;
    for (const [kind, definitions] of Object.entries(view.components ?? {})) {
      if (kind === 'securitySchemes') continue;
      for (const [name, definition] of Object.entries(definitions)) (components[kind] ??= {})[`${service}.${name}`] = definition;
    }
    for (const [path, item] of Object.entries(view.paths ?? {})) {
      if (paths[path]) throw new Error(`${path} is in the gateway's spec twice (again from ${service})`);
      paths[path] = item;
    }
    for (const tag of (spec.tags ?? []) as { name: string }[]) if (!tags.has(tag.name)) tags.set(tag.name, tag);
  }
  return {
    openapi: ownSpec.openapi,
    info: {
      title: 'Shop API',
      version: (ownSpec.info as { version?: string } | undefined)?.version ?? '1.0.0',
      description:
        "The shoppers' API: everything the gateway answers, in one spec. The checkout endpoints are the gateway's own; " +
        'every other operation is routed to the service that owns it (its components are named `<service>.<name>`). ' +
        'On a routed operation the gateway may also answer 429 (rate limits), 503 (the service is down) and 504 (it did not answer in time).',
    },
    servers: [{ url: gatewayUrl }],
    security: ownSpec.security,
    tags: [...tags.values()],
    paths,
    components,
  };
}

/** The routed services' specs as this gateway was built with them. */
export function routedServiceSpecs(): Partial<Record<ServiceName, OpenApiDocument>> {
  const services = [...new Set(GATEWAY_ROUTES.map((route) => route.service))];
  return Object.fromEntries(services.map((service) => [service, loadSpec(`${service}.yaml`)]));
}

export function docsRouter(options: { serviceUrls: Record<ServiceName, string>; gatewayUrl: string; ownSpec: OpenApiDocument; apiSpec: OpenApiDocument }): Router {
  const router = Router();
  const services = [...new Set(GATEWAY_ROUTES.map((route) => route.service))];

  router.get('/openapi.json', (_req, res) => {
    res.json(options.apiSpec);
  });
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

  const urls = [
    { url: '/openapi.json', name: 'everything (one spec)' },
    { url: '/docs/specs/checkouts.json', name: 'checkouts' },
    ...services.map((name) => ({ url: `/docs/specs/${name}.json`, name })),
  ];
  router.use('/docs', swaggerUi.serveFiles(undefined, { swaggerOptions: { urls } }), swaggerUi.setup(undefined, { customSiteTitle: 'Shop API', swaggerOptions: { urls } }));
  return router;
}
