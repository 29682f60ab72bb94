/**
 * For the tests of the build, the image and the Kubernetes manifests: a real
 * `npm run build` into a folder of the test's own (inside the project, so the
 * built code finds node_modules and the project root as dist/ does), what the
 * Dockerfile ships of it, and what the shipped entry points load.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { DockerfileParser, type Dockerfile, type ModifiableInstruction } from 'dockerfile-ast';
import { PROJECT_ROOT } from '../../platform/project-root';
import { buildIfStale, buildTargets } from '../../scripts/build';

export const root = PROJECT_ROOT;

/** A fresh build of everything into `.data/test-builds/<id>` (the storefront too: web/dist is left alone); `remove()` when done. */
export async function buildIntoTestFolder(): Promise<{ outDir: string; remove(): void }> {
  const outDir = path.join(root, '.data', 'test-builds', randomBytes(6).toString('hex'));
  await buildIfStale(buildTargets(outDir, path.join(outDir, '.web-build')), { force: true, say: () => undefined });
  return { outDir, remove: () => rmSync(outDir, { recursive: true, force: true }) };
}

export function parseDockerfile(): Dockerfile {
  return DockerfileParser.parse(readFileSync(path.join(root, 'Dockerfile'), 'utf8'));
}

export interface Stage {
  name: string;
  from: string;
  instructions: { keyword: string; args: string[]; text: string }[];
}

/** Each stage: its name, what it is FROM (ARGs resolved from their defaults), its instructions. */
export function dockerStages(dockerfile: Dockerfile = parseDockerfile()): Stage[] {
  const defaults = new Map<string, string>();
  for (const arg of dockerfile.getInitialARGs()) {
    const property = arg.getProperty();
    if (property?.getName() && property.getValue()) defaults.set(property.getName(), property.getValue()!);
  }
  const stages: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    // Flags (COPY --from=build) are kept apart from the arguments by the parser: put them back in front.
    const flags = 'getFlags' in instruction ? (instruction as ModifiableInstruction).getFlags().map((flag) => `--${flag.getName()}=${flag.getValue() ?? ''}`) : [];
    const args = [...flags, ...instruction.getArguments().map((arg) => arg.getValue())];
    if (keyword === 'FROM') {
      const image = (args[0] ?? '').replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string, b: string) => defaults.get(a ?? b) ?? '');
      stages.push({ name: args[2] ?? '', from: image, instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push({ keyword, args, text: instruction.getTextContent() });
    }
  }
  return stages;
}

/** The stages `name` is built on, itself first (FROM <stage> chains). */
export function stageChain(stages: Stage[], name: string): Stage[] {
  const chain: Stage[] = [];
  for (let stage = stages.find((each) => each.name === name); stage; stage = stages.find((each) => each.name === stage!.from)) chain.push(stage);
  return chain;
}

/** What `target` (and the stages it builds on) copies out of the build stage's dist/: paths relative to dist/. */
export function shippedFromDist(stages: Stage[], target: string): string[] {
  const shipped: string[] = [];
  for (const stage of stageChain(stages, target)) {
    for (const instruction of stage.instructions) {
      if (instruction.keyword !== 'COPY' || !instruction.args.includes('--from=build')) continue;
      const paths = instruction.args.filter((arg) => !arg.startsWith('--'));
      for (const source of paths.slice(0, -1)) {
        if (!source.startsWith('/app/dist/')) throw new Error(`the image copies ${source} from the build stage: only dist/ is expected`);
        shipped.push(source.slice('/app/dist/'.length));
      }
    }
  }
  return shipped;
}

/** Whether `file` (relative to dist/) is in the image: a shipped file, or under a shipped folder. */
export function isShipped(shipped: string[], file: string): boolean {
  return shipped.some((entry) => file === entry || file.startsWith(`${entry}/`));
}

const BUILTINS = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);

function resolveLocal(from: string, request: string): string | undefined {
  const base = path.resolve(path.dirname(from), request);
  for (const candidate of [base, `${base}.js`, path.join(base, 'index.js')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/**
 * Every file of ours the built `entries` load (following their relative requires), and every
 * package they require; esbuild keeps `require("...")` calls as written.
 */
export function requiredClosure(outDir: string, entries: string[]): { files: Set<string>; packages: Set<string>; missing: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const missing: string[] = [];
  const queue = entries.map((entry) => path.join(outDir, entry));
  while (queue.length > 0) {
    const file = queue.pop()!;
    const relative = path.relative(outDir, file);
    if (files.has(relative)) continue;
    files.add(relative);
    const source = readFileSync(file, 'utf8');
    for (const [, request] of source.matchAll(/\brequire\("([^"]+)"\)/g)) {
      if (!request) continue;
      if (request.startsWith('.')) {
        const resolved = resolveLocal(file, request);
        if (resolved) queue.push(resolved);
        else missing.push(`${relative} requires ${request}`);
      } else if (!BUILTINS.has(request)) {
        const parts = request.split('/');
        packages.add(request.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!);
      }
    }
  }
  return { files, packages, missing };
}

export function packageJson(): { dependencies: Record<string, string>; devDependencies: Record<string, string> } {
  return JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
}
