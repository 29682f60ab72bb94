/**
 * Builds the storefront (web/) into web/dist with Vite, which the gateway
 * serves. The build records a hash of its inputs (web/'s sources and the
 * lockfile), so `npm start` rebuilds only when something changed.
 *   npm run build:web             build when stale
 *   npm run build:web -- --force  build anyway
 * It builds into a fresh folder and swaps it in, so a running gateway never
 * serves half a build.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { WEB_DIST } from '../gateway/web';

const root = path.resolve(__dirname, '..');
const WEB_ROOT = path.dirname(WEB_DIST);
const HASH_FILE = '.source-hash';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'dist' || entry.name.startsWith('.') || entry.name === 'node_modules' ? [] : sourceFiles(full);
    return [full];
  });
}

/** What the build is made from: every file under web/ but its output, and the exact dependency versions. */
export function sourceHash(): string {
  const hash = createHash('sha256');
  const files = [...sourceFiles(WEB_ROOT), path.join(root, 'package-lock.json'), __filename].sort();
  for (const file of files) {
    hash.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

export function builtHash(): string | undefined {
  try {
    return readFileSync(path.join(WEB_DIST, HASH_FILE), 'utf8').trim();
  } catch {
    return undefined;
  }
}

export function storefrontIsStale(): boolean {
  return !existsSync(path.join(WEB_DIST, 'index.html')) || builtHash() !== sourceHash();
}

/** Vite's own command line: Vite is an ES module, which neither the launcher's tsx nor jest's loader can import as CommonJS. */
function viteCli(): string {
  const manifest = require.resolve('vite/package.json');
  return path.join(path.dirname(manifest), (JSON.parse(readFileSync(manifest, 'utf8')) as { bin: { vite: string } }).bin.vite);
}

export async function buildStorefront(): Promise<void> {
  const hash = sourceHash();
  const outDir = path.join(WEB_ROOT, `.dist-${process.pid}-${Date.now()}`);
  try {
    // No config file: web/tsconfig.json sets the JSX runtime, and the defaults do the rest.
    await promisify(execFile)(process.execPath, [viteCli(), 'build', WEB_ROOT, '--outDir', outDir, '--emptyOutDir', '--sourcemap', '--logLevel', 'warn'], {
      cwd: WEB_ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    writeFileSync(path.join(outDir, HASH_FILE), `${hash}\n`);
    const old = `${WEB_DIST}.old-${process.pid}`;
    if (existsSync(WEB_DIST)) renameSync(WEB_DIST, old);
    try {
      renameSync(outDir, WEB_DIST);
    } catch (error) {
      // Another build of the same sources swapped its output in first: that one serves as well as this.
      if (builtHash() !== hash) throw error;
    }
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** Builds when the sources changed since the last build; says what it did. */
export async function buildStorefrontIfStale(say: (message: string) => void = console.log, force = false): Promise<void> {
  if (!force && !storefrontIsStale()) {
    say('storefront: build is current');
    return;
  }
  const started = Date.now();
  say('storefront: building web/ with Vite...');
  await buildStorefront();
  say(`storefront: built into ${path.relative(root, WEB_DIST)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (require.main === module) {
  buildStorefrontIfStale(console.log, process.argv.includes('--force')).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
