/**
 * Every operation of every spec against what the code can answer, where that
 * can be told without running it: the answers every route can give (401 for a
 * bad token, 400 for bad input, 413 for a large body), the Idempotency-Key
 * (one shared definition, taken exactly where the code reads it), the routes
 * against the operations, what the gateway adds in front of the services, and
 * bounds on every integer a request carries.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Router } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { loadSpec, SPEC_DIR, type OpenApiDocument } from '../../platform/openapi';
import { IDEMPOTENCY_KEY_USE, type IdempotencyKeyUse } from '../../platform/http/idempotent-route';
import { IDEMPOTENCY_KEY_SCHEMA, MAX_KEY_LENGTH, readIdempotencyKey } from '../../platform/idempotency';
import { SIMULATOR_NAMES, type ServiceName } from '../../platform/services';
import { GATEWAY_RESPONSES, gatewayApiSpec, routedServiceSpecs } from '../../gateway/docs';
import { gatewaySpec } from '../../gateway/main';
import { GATEWAY_ROUTES, specPath } from '../../gateway/routes';
import { cartRoutes } from '../../services/cart/routes';
import { catalogRoutes } from '../../services/catalog/routes';
import { inventoryRoutes } from '../../services/inventory/routes';
import { notificationsRoutes } from '../../services/notifications/routes';
import { ordersRoutes } from '../../services/orders/routes';
import { paymentsRoutes } from '../../services/payments/routes';
import { usersRoutes } from '../../services/users/routes';

type Json = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];
const SHARED_KEY_REFS: Record<string, IdempotencyKeyUse> = {
  'shared/components.yaml#/components/parameters/IdempotencyKey': 'required',
  'shared/components.yaml#/components/parameters/IdempotencyKeyOptional': 'optional',
};

// The shop's own specs: a simulator's is shaped after the outside party it simulates (Stripe's errors and keys).
const specNames = readdirSync(SPEC_DIR)
  .filter((file) => file.endsWith('.yaml'))
  .map((file) => path.basename(file, '.yaml'))
  .filter((name) => !(SIMULATOR_NAMES as readonly string[]).includes(name))
  .sort();
const served = Object.fromEntries(specNames.map((name) => [name, loadSpec(`${name}.yaml`)])) as Record<string, OpenApiDocument>;
const raw = Object.fromEntries(specNames.map((name) => [name, parse(readFileSync(path.join(SPEC_DIR, `${name}.yaml`), 'utf8')) as OpenApiDocument]));

function resolve(spec: OpenApiDocument, node: unknown): Json {
  let current = node as Json;
  while (typeof current?.$ref === 'string') {
    current = (current.$ref as string)
      .replace(/^#\//, '')
      .split('/')
      .reduce<Json>((object, key) => object?.[key] as Json, spec as Json);
  }
  return current;
}

interface Operation {
  spec: string;
  method: string;
  path: string;
  name: string;
  operation: Json;
  /** As written, with their $refs: to tell the shared definition from a copy. */
  rawParameters: Json[];
  parameters: Json[];
  responses: Record<string, unknown>;
}

function operationsOf(spec: string): Operation[] {
  const document = served[spec]!;
  return Object.entries(document.paths ?? {}).flatMap(([route, item]) =>
    METHODS.filter((method) => method in item).map((method) => {
      const operation = item[method] as Json;
      const rawItem = raw[spec]!.paths![route]!;
      const rawParameters = [...((rawItem.parameters as Json[]) ?? []), ...(((rawItem[method] as Json).parameters as Json[]) ?? [])];
      const parameters = [...((item.parameters as Json[]) ?? []), ...((operation.parameters as Json[]) ?? [])].map((parameter) => resolve(document, parameter));
      return { spec, method, path: route, name: `${spec}: ${method.toUpperCase()} ${route}`, operation, rawParameters, parameters, responses: operation.responses as Json };
    }),
  );
}

const everyOperation = specNames.flatMap(operationsOf);
const isKeyHeader = (parameter: Json) => parameter.in === 'header' && String(parameter.name).toLowerCase() === 'idempotency-key';

describe('the answers every route can give', () => {
  it('every operation declares 401: a bad token is refused on every route, public ones too', () => {
    expect(everyOperation.filter((op) => !op.responses['401']).map((op) => op.name)).toEqual([]);
  });

  it('every operation that takes parameters or a body declares 400', () => {
    // A cookie here is an opaque session token: a bad one is a 401, not a 400.
    const takesInput = (op: Operation) => op.parameters.some((parameter) => parameter.in !== 'cookie') || op.operation.requestBody !== undefined;
    expect(everyOperation.filter((op) => takesInput(op) && !op.responses['400']).map((op) => op.name)).toEqual([]);
  });

  it('every operation lists the 431 its HTTP server answers to a request head over 16 KB', () => {
    expect(everyOperation.filter((op) => !op.responses['431']).map((op) => op.name)).toEqual([]);
  });

  it('every operation that takes a body declares 413', () => {
    expect(everyOperation.filter((op) => op.operation.requestBody !== undefined && !op.responses['413']).map((op) => op.name)).toEqual([]);
  });

  it('every spec defines the Problem every error answer is', () => {
    expect(specNames.filter((name) => !served[name]!.components?.schemas?.Problem)).toEqual([]);
  });

  it('operation ids are unique across the specs, as the gateway serves them in one', () => {
    const ids = everyOperation.map((op) => op.operation.operationId as string);
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
  });
});

describe('the Idempotency-Key', () => {
  it('has one definition, which every operation that takes the header refers to', () => {
    const copies = everyOperation.flatMap((op) =>
      op.rawParameters
        .filter((parameter) => (typeof parameter.$ref === 'string' ? !(parameter.$ref in SHARED_KEY_REFS) : true))
        // Any other reference, local or to a shared file, as the served spec has it.
        .filter((parameter) => isKeyHeader(resolve(served[op.spec]!, typeof parameter.$ref === 'string' ? { $ref: parameter.$ref.replace(/^[^#]*/, '') } : parameter)))
        .map(() => op.name),
    );
    expect(copies).toEqual([]);
    const ownDefinitions = specNames.flatMap((name) =>
      Object.entries(raw[name]!.components?.parameters ?? {})
        .filter(([, parameter]) => isKeyHeader(parameter as Json))
        .map(([key]) => `${name}: components.parameters.${key}`),
    );
    expect(ownDefinitions).toEqual([]);
  });

  it('is refused by the code exactly when the shared definition refuses it', () => {
    const validate = new Ajv2020({ strict: false }).compile(IDEMPOTENCY_KEY_SCHEMA);
    const samples = ['a', 'key-1:checkout/charge', '6f1c3a52-8d4e-4b7a-9c0e-2f5d8a1b3c4d', '~!', 'with space', 'tab\there', 'ключ', 'é', '', 'x'.repeat(255), 'x'.repeat(256)];
    for (const key of samples) {
      const accepted = (() => {
        try {
          return readIdempotencyKey(key, true) === key;
        } catch {
          return false;
        }
      })();
      expect({ key, accepted }).toEqual({ key, accepted: validate(key) });
    }
    expect(IDEMPOTENCY_KEY_SCHEMA.maxLength).toBeLessThanOrEqual(MAX_KEY_LENGTH);
  });

  it('is declared with 400 and 422 (the key reused) wherever it is taken', () => {
    const taking = everyOperation.filter((op) => op.parameters.some(isKeyHeader));
    expect(taking.length).toBeGreaterThan(10);
    expect(taking.filter((op) => !op.responses['400'] || !op.responses['422']).map((op) => op.name)).toEqual([]);
  });
});

describe('the routes against the operations', () => {
  const unused = {} as never;
  const routers: Record<ServiceName, () => Router> = {
    users: () => usersRoutes(unused as MikroORM, { keys: unused, serviceClientSecret: 'unused' }),
    catalog: () => catalogRoutes(unused),
    cart: () => cartRoutes(unused, unused),
    orders: () => ordersRoutes(unused),
    payments: () => paymentsRoutes(unused, unused),
    inventory: () => inventoryRoutes(unused),
    notifications: () => notificationsRoutes(unused, unused, unused),
  };

  /** `METHOD /path/{param}` → what its handler does with the Idempotency-Key. */
  function routesOf(router: Router): Map<string, IdempotencyKeyUse | 'none'> {
    const routes = new Map<string, IdempotencyKeyUse | 'none'>();
    for (const layer of router.stack as { route?: { path: string; methods: Record<string, boolean>; stack: { handle: Json }[] } }[]) {
      if (!layer.route) continue;
      const use = layer.route.stack.map((entry) => entry.handle[IDEMPOTENCY_KEY_USE as unknown as string] as IdempotencyKeyUse | undefined).find(Boolean) ?? 'none';
      for (const method of Object.keys(layer.route.methods)) routes.set(`${method.toUpperCase()} ${specPath(layer.route.path)}`, use);
    }
    return routes;
  }

  it.each(Object.keys(routers) as ServiceName[])('%s: every route is an operation of its spec, every operation a route, each reading the Idempotency-Key as declared', (service) => {
    const routes = routesOf(routers[service]());
    const declared = new Map(
      operationsOf(service).map((op) => {
        const ref = op.rawParameters.map((parameter) => parameter.$ref as string | undefined).find((ref) => ref !== undefined && ref in SHARED_KEY_REFS);
        return [`${op.method.toUpperCase()} ${op.path}`, ref ? SHARED_KEY_REFS[ref]! : ('none' as const)];
      }),
    );
    expect([...routes.keys()].sort()).toEqual([...declared.keys()].sort());
    expect(Object.fromEntries(routes)).toEqual(Object.fromEntries(declared));
  });
});

describe('the gateway', () => {
  const apiSpec = gatewayApiSpec(gatewaySpec, routedServiceSpecs(), 'http://gateway.test');
  const operationAt = (service: ServiceName, method: string, route: string) => served[service]!.paths?.[route]?.[method.toLowerCase()] as Json | undefined;

  it('routes operations its services have, public exactly where the spec needs no token', () => {
    const missing = GATEWAY_ROUTES.filter((route) => !operationAt(route.service, route.method, specPath(route.path)));
    expect(missing).toEqual([]);
    const mismatched = GATEWAY_ROUTES.filter((route) => {
      const security = operationAt(route.service, route.method, specPath(route.path))!.security as unknown[] | undefined;
      return Boolean(route.public) !== (Array.isArray(security) && security.length === 0);
    });
    expect(mismatched.map((route) => `${route.method} ${route.path}`)).toEqual([]);
  });

  it('declares on every operation it serves the 429 and 503 it adds, and 504 where it waits on a service', () => {
    const own = new Set(Object.keys(gatewaySpec.paths ?? {}));
    const lacking = Object.entries(apiSpec.paths ?? {}).flatMap(([route, item]) =>
      METHODS.filter((method) => method in item).flatMap((method) => {
        const responses = (item[method] as { responses: Json }).responses;
        const needed = own.has(route) ? ['429', '503'] : Object.keys(GATEWAY_RESPONSES);
        return needed.filter((status) => !responses[status]).map((status) => `${method.toUpperCase()} ${route}: ${status}`);
      }),
    );
    expect(lacking).toEqual([]);
  });

  it('serves one spec whose every reference resolves', () => {
    const broken: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (typeof node !== 'object' || node === null) return;
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string' && resolve(apiSpec, { $ref: value }) === undefined) broken.push(value);
        else walk(value);
      }
    };
    walk(apiSpec);
    expect(broken).toEqual([]);
  });
});

describe('integers in requests', () => {
  /** Every integer schema under `schema`, by where it is. */
  function integersIn(spec: OpenApiDocument, schema: unknown, where: string, seen = new Set<unknown>()): { where: string; schema: Json }[] {
    const node = resolve(spec, schema);
    if (typeof node !== 'object' || node === null || seen.has(node)) return [];
    seen.add(node);
    const found: { where: string; schema: Json }[] = [];
    const types = ([] as unknown[]).concat(node.type ?? []);
    if (types.includes('integer')) found.push({ where, schema: node });
    for (const [key, value] of Object.entries((node.properties as Json) ?? {})) found.push(...integersIn(spec, value, `${where}.${key}`, seen));
    if (node.items) found.push(...integersIn(spec, node.items, `${where}[]`, seen));
    if (typeof node.additionalProperties === 'object') found.push(...integersIn(spec, node.additionalProperties, `${where}.*`, seen));
    for (const key of ['allOf', 'anyOf', 'oneOf']) for (const part of (node[key] as unknown[]) ?? []) found.push(...integersIn(spec, part, where, seen));
    return found;
  }

  it('every integer a request carries is bounded on both sides, within what a JSON number holds exactly', () => {
    const unbounded = everyOperation.flatMap((op) => {
      const spec = served[op.spec]!;
      const body = (resolve(spec, op.operation.requestBody)?.content as Record<string, { schema?: unknown }> | undefined)?.['application/json']?.schema;
      const integers = [
        ...op.parameters.flatMap((parameter) => integersIn(spec, parameter.schema, `${String(parameter.in)}.${String(parameter.name)}`)),
        ...(body ? integersIn(spec, body, 'body') : []),
      ];
      return integers
        .filter(({ schema }) => typeof schema.minimum !== 'number' || typeof schema.maximum !== 'number' || Math.abs(schema.maximum) > Number.MAX_SAFE_INTEGER)
        .map(({ where }) => `${op.name} ${where}`);
    });
    expect(unbounded).toEqual([]);
  });
});
