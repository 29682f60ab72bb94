/**
 * The specs as they are served. A spec under openapi/ may refer to definitions
 * shared by every spec (`$ref: 'shared/components.yaml#/components/parameters/IdempotencyKey'`);
 * `loadSpec` copies each one it uses into the spec's own components, under the same
 * name, and points the reference there, so /openapi.json stands alone, as
 * openapi-typescript bundles the same file for the generated types. Every operation also
 * lists what the HTTP server answers before any route sees a request (431, a request head
 * too large), which no operation could leave out.
 *
 * Only that form of reference is taken (a component of another file under openapi/):
 * anything else, or two different definitions under one name, stops the service at start.
 * Done here, synchronously, because every service reads its spec when its module loads.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';

export const SPEC_DIR = path.resolve(__dirname, '../openapi');

export type OpenApiDocument = Record<string, unknown> & {
  paths?: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
};

const REF = /^([^#]*)#\/components\/([A-Za-z]+)\/([A-Za-z0-9._-]+)$/;

const parsed = new Map<string, OpenApiDocument>();

/** Each file is read once; callers get copies. */
function readYaml(file: string): OpenApiDocument {
  let document = parsed.get(file);
  if (!document) {
    document = parse(readFileSync(file, 'utf8')) as OpenApiDocument;
    parsed.set(file, document);
  }
  return structuredClone(document);
}

const OPERATIONS = ['get', 'put', 'post', 'patch', 'delete', 'options', 'head', 'trace'];

/** What the HTTP server answers before any route sees a request (platform/http/server.ts), so every operation can. */
const SERVER_RESPONSES = { '431': { $ref: 'shared/components.yaml#/components/responses/RequestHeadTooLarge' } };

/** openapi/<file> with the shared definitions it refers to copied in, and the server's own answers on every operation. */
export function loadSpec(file: string): OpenApiDocument {
  const rootFile = path.resolve(SPEC_DIR, file);
  const spec = readYaml(rootFile);
  for (const item of Object.values(spec.paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      if (!OPERATIONS.includes(method)) continue;
      const declared = operation as { responses?: Record<string, unknown> };
      declared.responses = { ...declared.responses, ...SERVER_RESPONSES };
    }
  }
  const documents = new Map<string, OpenApiDocument>([[rootFile, spec]]);
  const imported: Record<string, Record<string, unknown>> = {};
  const origins = new Map<string, string>();

  const documentAt = (absolute: string) => {
    let document = documents.get(absolute);
    if (!document) {
      document = readYaml(absolute);
      documents.set(absolute, document);
    }
    return document;
  };

  /** A copy of `node` (found in `from`), each reference made local, the components it refers to brought in. */
  const localise = (node: unknown, from: string): unknown => {
    if (Array.isArray(node)) return node.map((item) => localise(item, from));
    if (typeof node !== 'object' || node === null) return node;
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => {
        if (key !== '$ref' || typeof value !== 'string') return [key, localise(value, from)];
        const match = REF.exec(value);
        if (!match) throw new Error(`${path.relative(SPEC_DIR, from)}: cannot serve the reference '${value}'`);
        const [, target, kind, name] = match as unknown as [string, string, string, string];
        const source = target ? path.resolve(path.dirname(from), target) : from;
        if (source !== rootFile) bringIn(source, kind, name);
        return [key, `#/components/${kind}/${name}`];
      }),
    );
  };

  const bringIn = (source: string, kind: string, name: string) => {
    const definition = documentAt(source).components?.[kind]?.[name];
    if (definition === undefined) throw new Error(`${path.relative(SPEC_DIR, source)} has no components.${kind}.${name}`);
    const origin = origins.get(`${kind}/${name}`);
    if (origin !== undefined) {
      if (origin !== source) throw new Error(`${file}: components.${kind}.${name} comes from two files`);
      return;
    }
    origins.set(`${kind}/${name}`, source);
    const section = (imported[kind] ??= {});
    section[name] = localise(definition, source);
  };

  const served = localise(spec, rootFile) as OpenApiDocument;
  const components = (served.components ??= {});
  for (const [kind, definitions] of Object.entries(imported)) {
    const section = (components[kind] ??= {});
    for (const [name, definition] of Object.entries(definitions)) {
      if (name in section && !isDeepStrictEqual(section[name], definition)) {
        throw new Error(`${file}: components.${kind}.${name} is its own and also comes from a shared file`);
      }
      section[name] = definition;
    }
  }
  return served;
}
