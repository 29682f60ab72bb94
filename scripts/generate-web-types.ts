/**
 * The storefront's API types, from the specs the gateway serves: its own
 * (openapi/gateway.yaml) and each service's cut down to the routes the
 * gateway lets through (the same view as /docs), so the app cannot even name
 * an endpoint a browser cannot reach. Written to web/src/api/<name>.gen.ts.
 *   npm run gen:web            regenerate
 *   npm run gen:web -- --check fail when a committed file is stale
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import { gatewayView } from '../gateway/docs';
import { GATEWAY_ROUTES } from '../gateway/routes';
import { loadSpec } from '../platform/openapi';
import type { ServiceName } from '../platform/services';

const root = path.resolve(__dirname, '..');
export const WEB_API_DIR = path.join(root, 'web', 'src', 'api');
const HEADER = '/**\n * Generated from %s by openapi-typescript (npm run gen:web). Do not edit.\n */\n\n';

/** As the services serve it: the shared definitions copied in, so the file stands alone. */
async function specOf(name: string): Promise<Record<string, unknown>> {
  return loadSpec(`${name}.yaml`) as unknown as Record<string, unknown>;
}

/** Every file the storefront's types come from, and what each holds. */
export async function generateWebTypes(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const services = [...new Set(GATEWAY_ROUTES.map((route) => route.service))].sort() as ServiceName[];
  const sources: [string, Record<string, unknown>, string][] = [['gateway', await specOf('gateway'), 'openapi/gateway.yaml']];
  for (const service of services) {
    sources.push([service, gatewayView(await specOf(service), service, '/'), `openapi/${service}.yaml as the gateway routes it`]);
  }
  files.set(path.join(WEB_API_DIR, 'countries.gen.ts'), '/**\n * Generated from the Country pattern of openapi/gateway.yaml (npm run gen:web). Do not edit.\n */\n\n' + countriesModule(sources[0]![1]));
  for (const [name, spec, from] of sources) {
    const ast = await openapiTS(spec as unknown as OpenAPI3, { alphabetize: false, defaultNonNullable: false });
    files.set(path.join(WEB_API_DIR, `${name}.gen.ts`), HEADER.replace('%s', from) + astToString(ast));
  }
  return files;
}

/** The country codes a shipping address takes, read from the spec's pattern, so the form offers exactly those. */
function countriesModule(gatewaySpec: Record<string, unknown>): string {
  const schemas = (gatewaySpec.components as { schemas: Record<string, { pattern?: string }> }).schemas;
  const codes = /^\^\(\?:([A-Z|]+)\)\$$/.exec(schemas.Country?.pattern ?? '')?.[1]?.split('|');
  if (!codes) throw new Error('openapi/gateway.yaml: the Country pattern is not a list of codes');
  return `export const COUNTRY_CODES = ${JSON.stringify(codes)} as const;\n`;
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const stale: string[] = [];
  for (const [file, text] of await generateWebTypes()) {
    if (check) {
      if ((await readFile(file, 'utf8').catch(() => '')) !== text) stale.push(path.relative(root, file));
      continue;
    }
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
    console.log(path.relative(root, file));
  }
  if (stale.length > 0) {
    console.error(`Stale storefront API types (run npm run gen:web): ${stale.join(', ')}`);
    process.exit(1);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
