/**
 * Checks real responses against a service's OpenAPI spec: the status must be
 * documented for the operation, and the body must match its schema (Ajv, JSON
 * Schema 2020-12 as OpenAPI 3.1 uses it).
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Response } from 'supertest';

type Json = Record<string, unknown>;

const validators = new WeakMap<object, Ajv2020>();

function ajvFor(spec: Json): Ajv2020 {
  let ajv = validators.get(spec);
  if (!ajv) {
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'spec.json', components: spec.components }, 'spec.json');
    validators.set(spec, ajv);
  }
  return ajv;
}

function resolveLocal(spec: Json, node: Json): Json {
  let current = node;
  while (typeof current.$ref === 'string' && current.$ref.startsWith('#/')) {
    current = current.$ref
      .slice(2)
      .split('/')
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<Json>((obj, key) => obj[key] as Json, spec);
  }
  return current;
}

function findOperation(spec: Json, method: string, actualPath: string): { template: string; operation: Json } {
  const paths = spec.paths as Record<string, Json>;
  for (const [template, item] of Object.entries(paths)) {
    const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
    const operation = item[method.toLowerCase()] as Json | undefined;
    if (pattern.test(actualPath) && operation) return { template, operation };
  }
  throw new Error(`${method} ${actualPath} is not in the spec`);
}

/** The error list when `res` breaks the spec; an empty list when it conforms. */
export function specViolations(spec: Json, res: Response): string[] {
  const request = (res as unknown as { req: { method: string; path: string } }).req;
  const actualPath = request.path.split('?')[0] ?? request.path;
  const { template, operation } = findOperation(spec, request.method, actualPath);
  const responses = operation.responses as Record<string, Json>;
  const documented = responses[String(res.status)] ?? responses.default;
  if (!documented) return [`${request.method} ${template}: status ${res.status} is not documented (body: ${JSON.stringify(res.body)})`];
  const response = resolveLocal(spec, documented);
  const content = response.content as Record<string, { schema?: Json }> | undefined;
  if (!content) return res.text ? [`${request.method} ${template} ${res.status}: documented without a body, got ${res.text}`] : [];
  const contentType = String(res.headers['content-type'] ?? '').split(';')[0] ?? '';
  const media = content[contentType];
  if (!media) return [`${request.method} ${template} ${res.status}: content type ${contentType} is not documented`];
  if (!media.schema) return [];
  const schema = JSON.parse(JSON.stringify(media.schema).replace(/"#\/components\//g, '"spec.json#/components/')) as Json;
  const validate = ajvFor(spec).compile(schema);
  const body: unknown = contentType.endsWith('json') ? JSON.parse(res.text) : res.text;
  if (validate(body)) return [];
  return (validate.errors ?? []).map((error) => `${request.method} ${template} ${res.status}: ${error.instancePath || '/'} ${error.message}`);
}

export function expectToMatchSpec(spec: unknown, res: Response): void {
  expect(specViolations(spec as Json, res)).toEqual([]);
}
