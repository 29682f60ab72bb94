/**
 * openapi/<service>.yaml → services/<service>/api.gen.ts, with openapi-typescript.
 * `--check` regenerates in memory and fails when a committed file is stale.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { isSimulatorName } from '../platform/services';

const root = path.resolve(__dirname, '..');
const HEADER = '/**\n * Generated from openapi/%s by openapi-typescript (npm run gen). Do not edit.\n */\n\n';

export async function generate(specFile: string): Promise<string> {
  const ast = await openapiTS(new URL(`file://${path.join(root, 'openapi', specFile)}`), { alphabetize: false, defaultNonNullable: false });
  return HEADER.replace('%s', specFile) + astToString(ast);
}

export function targetFor(specFile: string): string {
  const name = path.basename(specFile, '.yaml');
  // The gateway is not a domain service and lives at the top level; simulators of outside parties live apart.
  if (name === 'gateway') return path.join(root, 'gateway', 'api.gen.ts');
  if (isSimulatorName(name)) return path.join(root, 'simulators', name, 'api.gen.ts');
  return path.join(root, 'services', name, 'api.gen.ts');
}

export async function specFiles(): Promise<string[]> {
  return (await readdir(path.join(root, 'openapi'))).filter((file) => file.endsWith('.yaml')).sort();
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const stale: string[] = [];
  for (const specFile of await specFiles()) {
    const generated = await generate(specFile);
    const target = targetFor(specFile);
    if (check) {
      const current = await readFile(target, 'utf8').catch(() => '');
      if (current !== generated) stale.push(path.relative(root, target));
    } else {
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, generated);
      console.log(`${path.relative(root, target)} ← openapi/${specFile}`);
    }
  }
  if (stale.length > 0) {
    console.error(`Stale generated types (run npm run gen): ${stale.join(', ')}`);
    process.exit(1);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
