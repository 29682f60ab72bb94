/**
 * npm run build: what `npm start`, the image and Kubernetes run, in dist/.
 *   code             every module of ours outside the tests (services, simulators, gateway,
 *                    worker, activities, workflows, platform, scripts, dev), compiled by
 *                    esbuild file by file into the same tree under dist/ (CommonJS), with the
 *                    OpenAPI specs the services read at start (dist/openapi/)
 *   workflow bundle  dist/workflow-bundle.js: the workflows bundled once by the SDK's
 *                    bundleWorkflowCode; the built worker loads it (worker/config.ts) and
 *                    never runs webpack at start
 *   storefront       web/ built by Vite into web/dist (which the gateway serves when run
 *                    from the sources) and copied into dist/web/dist (for the built gateway)
 * Each part keeps a hash of its inputs (its sources, the lockfile, this file); a part whose
 * inputs did not change is not built again. `npm start` runs this first.
 *   npm run build                    build what is stale
 *   npm run build -- --force         build everything
 *   npm run build -- storefront      only the named parts (code, workflow-bundle, storefront)
 *
 * Dependencies are never bundled into the output: the built code `require`s the real
 * packages from node_modules, as OpenTelemetry's auto-instrumentation needs, and our own
 * modules keep their files, so paths relative to a module (the specs) resolve as in the sources.
 * Types are checked by `npm run typecheck` (and `npm test`), not here: a build is a transpile.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../platform/project-root';
import { WORKFLOW_BUNDLE_FILE, WORKFLOW_INTERCEPTOR_MODULES } from '../worker/config';

const root = PROJECT_ROOT;
export const DIST = path.join(root, 'dist');
export const WEB_ROOT = path.join(root, 'web');
/** Where the gateway finds the storefront when it runs from the sources (gateway/web.ts's WEB_DIST). */
export const WEB_OUT = path.join(WEB_ROOT, 'dist');

/** The folders (and root files) whose modules are compiled; tests and the storefront are not. */
export const CODE_FOLDERS = ['activities', 'bench', 'codec-server', 'dev', 'gateway', 'platform', 'scripts', 'services', 'simulators', 'worker', 'workflows'] as const;
const ROOT_MODULES = ['temporal.config.ts'];
/** Node 20 is the oldest Node the project runs on (package.json's engines). */
const NODE_TARGET = 'node20';

/** The entry points the shop runs, from the project root: what the image and Kubernetes start. */
export function shopEntryPoints(): string[] {
  const services = readdirSync(path.join(root, 'services'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(root, 'services', entry.name, 'main.ts')))
    .map((entry) => `services/${entry.name}/main.ts`);
  return [...services, 'gateway/main.ts', 'worker/main.ts', 'codec-server/main.ts', 'scripts/seed.ts'];
}

/** `services/orders/main.ts` → `<outDir>/services/orders/main.js`. */
export function builtPath(source: string, outDir = DIST): string {
  return path.join(outDir, source.replace(/\.ts$/, '.js'));
}

export interface BuildTarget {
  name: string;
  /** Every file whose content decides the output. */
  inputs(): Promise<string[]>;
  /** Where the hash of the inputs the output was built from is kept (written last). */
  stampFiles(): string[];
  build(): Promise<void>;
}

function filesUnder(dir: string, keep: (file: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.') ? [] : filesUnder(full, keep);
    return keep(full) ? [full] : [];
  });
}

const isModule = (file: string) => file.endsWith('.ts') && !file.endsWith('.d.ts') && !file.endsWith('.test.ts');

export function codeSources(): string[] {
  return [...CODE_FOLDERS.flatMap((folder) => filesUnder(path.join(root, folder), isModule)), ...ROOT_MODULES.map((file) => path.join(root, file))];
}

function specFiles(): string[] {
  return filesUnder(path.join(root, 'openapi'), (file) => /\.ya?ml$/.test(file));
}

/** The same for every part: a change of dependency versions or of how we build rebuilds. */
const sharedInputs = () => [path.join(root, 'package-lock.json'), path.join(root, 'tsconfig.json'), __filename];

export function inputsHash(files: string[]): string {
  const hash = createHash('sha256');
  for (const file of [...new Set(files)].sort()) hash.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

function readStamp(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

export async function isStale(target: BuildTarget): Promise<boolean> {
  const hash = inputsHash(await target.inputs());
  return target.stampFiles().some((file) => readStamp(file) !== hash);
}

function stamp(target: BuildTarget, hash: string): void {
  for (const file of target.stampFiles()) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${hash}\n`);
  }
}

/** Written aside, then renamed into place: a reader never sees half a file or folder. */
function replaceWith(target: string, build: (aside: string) => void): void {
  const aside = `${target}.new-${process.pid}`;
  const old = `${target}.old-${process.pid}`;
  rmSync(aside, { recursive: true, force: true });
  try {
    build(aside);
    if (existsSync(target)) renameSync(target, old);
    renameSync(aside, target);
  } finally {
    rmSync(aside, { recursive: true, force: true });
    rmSync(old, { recursive: true, force: true });
  }
}

export function codeTarget(outDir = DIST): BuildTarget {
  return {
    name: 'code',
    inputs: async () => [...codeSources(), ...specFiles(), ...sharedInputs()],
    stampFiles: () => [path.join(outDir, '.build', 'code.sha256')],
    async build() {
      const { build } = await import('esbuild');
      // Outputs of modules that no longer exist must not linger: each folder is built aside and swapped in whole.
      const staging = path.join(outDir, `.code-${process.pid}`);
      rmSync(staging, { recursive: true, force: true });
      try {
        await build({
          entryPoints: codeSources(),
          outdir: staging,
          outbase: root,
          bundle: false,
          format: 'cjs',
          platform: 'node',
          target: NODE_TARGET,
          // Linked maps: stack traces point at the TypeScript with NODE_OPTIONS=--enable-source-maps.
          sourcemap: 'linked',
          sourcesContent: false,
          logLevel: 'warning',
        });
        cpSync(path.join(root, 'openapi'), path.join(staging, 'openapi'), { recursive: true, filter: (file) => !file.endsWith('.md') });
        for (const entry of readdirSync(staging)) {
          replaceWith(path.join(outDir, entry), (aside) => renameSync(path.join(staging, entry), aside));
        }
      } finally {
        rmSync(staging, { recursive: true, force: true });
      }
    },
  };
}

/** The modules of ours the workflow bundle is made from, as esbuild follows the imports from workflows/ and its interceptors. */
export async function workflowSources(): Promise<string[]> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [path.join(root, 'workflows', 'index.ts'), ...WORKFLOW_INTERCEPTOR_MODULES],
    bundle: true,
    write: false,
    // Nothing is written; esbuild wants a directory all the same for more than one entry point.
    outdir: path.join(root, 'dist', '.workflow-sources'),
    metafile: true,
    packages: 'external',
    platform: 'neutral',
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs).map((file) => path.resolve(root, file));
}

/** The prebuilt bundle: exactly what the worker would bundle at start, once. */
export async function bundleWorkflows(file: string): Promise<void> {
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  const ignore = () => undefined;
  const { FAILURE_CONVERTER_PATH } = await import('../platform/temporal-codec');
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve(path.join(root, 'workflows')),
    // The worker's workflow interceptors (tracing), which a prebuilt bundle must carry itself, as it does the failure converter.
    workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
    // The worker's failure converter, which a prebuilt bundle must carry itself (failures raised in workflow code encrypted).
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: { trace: ignore, debug: ignore, info: ignore, warn: (message: string) => console.warn(message), error: (message: string) => console.error(message), log: ignore },
  });
  mkdirSync(path.dirname(file), { recursive: true });
  replaceWith(file, (aside) => writeFileSync(aside, code));
}

export function workflowBundleTarget(outDir = DIST): BuildTarget {
  return {
    name: 'workflow-bundle',
    inputs: async () => [...(await workflowSources()), path.join(root, 'platform', 'temporal-failure-converter.ts'), ...sharedInputs()],
    stampFiles: () => [path.join(outDir, '.build', 'workflow-bundle.sha256')],
    build: () => bundleWorkflows(path.join(outDir, WORKFLOW_BUNDLE_FILE)),
  };
}

/** Vite's own command line: Vite is an ES module, which neither tsx's CommonJS nor jest's loader can import. */
function viteCli(): string {
  const manifest = require.resolve('vite/package.json');
  return path.join(path.dirname(manifest), (JSON.parse(readFileSync(manifest, 'utf8')) as { bin: { vite: string } }).bin.vite);
}

/** `webOut`: where Vite builds (web/dist, which the gateway serves when run from the sources); a test builds elsewhere. */
export function storefrontTarget(outDir = DIST, webOut = WEB_OUT): BuildTarget {
  const copy = path.join(outDir, 'web', 'dist');
  const webStamp = path.join(webOut, '.source-hash');
  const inputs = async () => [...filesUnder(WEB_ROOT, () => true), ...sharedInputs()];
  return {
    name: 'storefront',
    inputs,
    stampFiles: () => [webStamp, path.join(copy, '.source-hash')],
    async build() {
      const hash = inputsHash(await inputs());
      if (readStamp(webStamp) !== hash) {
        const aside = path.join(WEB_ROOT, `.dist-${process.pid}-${Date.now()}`);
        try {
          // No config file: web/tsconfig.json sets the JSX runtime, and the defaults do the rest. Each build writes
          // a folder of its own, so Vite's lock against a second build of the project at once is not needed.
          await promisify(execFile)(process.execPath, [viteCli(), 'build', WEB_ROOT, '--outDir', aside, '--emptyOutDir', '--sourcemap', '--logLevel', 'warn', '--bypass-lock'], {
            cwd: WEB_ROOT,
            maxBuffer: 16 * 1024 * 1024,
          });
          // Another build of the same sources may swap its output in at the same moment: either serves.
          replaceWith(webOut, (next) => renameSync(aside, next));
        } finally {
          rmSync(aside, { recursive: true, force: true });
        }
        writeFileSync(webStamp, `${hash}\n`);
      }
      mkdirSync(path.dirname(copy), { recursive: true });
      replaceWith(copy, (next) => cpSync(webOut, next, { recursive: true }));
    },
  };
}

export function buildTargets(outDir = DIST, webOut = WEB_OUT): BuildTarget[] {
  return [codeTarget(outDir), workflowBundleTarget(outDir), storefrontTarget(outDir, webOut)];
}

export interface BuildOptions {
  force?: boolean;
  say?: (message: string) => void;
}

/** Builds each target whose inputs changed since its last build; says what it did. */
export async function buildIfStale(targets: BuildTarget[], { force = false, say = console.log }: BuildOptions = {}): Promise<void> {
  for (const target of targets) {
    const hash = inputsHash(await target.inputs());
    if (!force && target.stampFiles().every((file) => readStamp(file) === hash)) {
      say(`build: ${target.name} is current`);
      continue;
    }
    const started = Date.now();
    await target.build();
    stamp(target, hash);
    say(`build: ${target.name} built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

/** The storefront alone (the browser tests build it when its sources changed). */
export function buildStorefrontIfStale(say: (message: string) => void = console.log, force = false): Promise<void> {
  return buildIfStale([storefrontTarget()], { say, force });
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const named = args.filter((arg) => !arg.startsWith('--'));
  const targets = buildTargets().filter((target) => named.length === 0 || named.includes(target.name));
  const unknown = named.filter((name) => !buildTargets().some((target) => target.name === name));
  if (unknown.length > 0) {
    console.error(`unknown build part ${unknown.join(', ')}: choose from ${buildTargets().map((target) => target.name).join(', ')}`);
    process.exit(2);
  }
  buildIfStale(targets, { force: args.includes('--force') }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
