/**
 * npm run fuzz [-- <service> ...]: every service's API fuzzed against its own
 * spec (`/openapi.json`) by Schemathesis, an independent fuzzer, with valid,
 * invalid and hostile input: examples, coverage (boundary and just-past-boundary
 * values, wrong types, unexpected methods), random fuzzing and stateful
 * sequences (create, then read, change, delete what was created). Settings and
 * the few justified exceptions are in schemathesis.toml.
 *
 * Runs against services that are already up (`npm start`), one service after
 * another, each for a time budget; prints a summary and exits non-zero when any
 * service has a failure, or a service that should be up does not answer.
 * It changes data: point it at a development shop, never at one that matters.
 *
 *   npm run fuzz                        every service (those not built yet are skipped)
 *   npm run fuzz -- orders payments     just these
 *   FUZZ_MAX_TIME=120 npm run fuzz      seconds per service (default 30)
 *   FUZZ_TOKEN=<jwt> npm run fuzz       use this token instead of logging in
 *   ORDERS_URL=http://host:4004 ...     where a service is (platform/services.ts)
 *   FUZZ_SEED=123 npm run fuzz          repeat a run's generated data
 *
 * The token: an admin's, from the users service (`POST /sessions` with
 * BOOTSTRAP_ADMIN_EMAIL / BOOTSTRAP_ADMIN_PASSWORD, the defaults npm start
 * bootstraps), so every operation is reachable; the fuzzer also sends requests
 * without it to check they are refused. Reports: .schemathesis/fuzz/<service>.
 *
 * Schemathesis is installed on first use into .tools/fuzz-venv (python3 -m venv
 * + pip, pinned), like dev/setup-temporal.ts does for the Temporal binaries.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { IMPLEMENTED_SERVICES, isServiceName, SERVICE_NAMES, serviceUrl, type ServiceName } from '../platform/services';
import { PROJECT_ROOT } from '../dev/temporal-binaries';

type Env = Record<string, string | undefined>;

export const SCHEMATHESIS_REQUIREMENT = 'schemathesis==4.32.5';
export const FUZZ_VENV = path.join(PROJECT_ROOT, '.tools', 'fuzz-venv');
const SCHEMATHESIS = path.join(FUZZ_VENV, 'bin', 'schemathesis');
const STAMP_FILE = path.join(FUZZ_VENV, 'fuzz-requirements.txt');
const CONFIG_FILE = path.join(PROJECT_ROOT, 'schemathesis.toml');
const REPORT_DIR = path.join(PROJECT_ROOT, '.schemathesis', 'fuzz');
const DEFAULT_MAX_TIME_SECONDS = 30;
const DEFAULT_ADMIN = { email: 'admin@shop.example', password: 'admin-password-change-me' };

function say(message: string): void {
  console.log(`fuzz | ${message}`);
}

function fail(message: string): never {
  console.error(`fuzz | ${message}`);
  process.exit(2);
}

function installedVersion(): string | undefined {
  const result = spawnSync(SCHEMATHESIS, ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** The pinned Schemathesis in .tools/fuzz-venv, installed when missing or at another version. */
export function ensureSchemathesis(env: Env = process.env): void {
  const stamped = existsSync(STAMP_FILE) && readFileSync(STAMP_FILE, 'utf8').trim() === SCHEMATHESIS_REQUIREMENT;
  if (stamped && existsSync(SCHEMATHESIS)) return;
  // A venv made by hand (or before the stamp existed) is fine when it has the pinned version.
  const pinned = SCHEMATHESIS_REQUIREMENT.split('==')[1]!;
  if (existsSync(SCHEMATHESIS) && installedVersion()?.includes(pinned)) {
    writeFileSync(STAMP_FILE, `${SCHEMATHESIS_REQUIREMENT}\n`);
    return;
  }
  const python = env.PYTHON || 'python3';
  const pip = path.join(FUZZ_VENV, 'bin', 'pip');
  const run = (command: string, args: string[]) =>
    spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...env, PIP_NO_INPUT: '1' } });
  if (!existsSync(pip)) {
    if (spawnSync(python, ['--version'], { stdio: 'ignore' }).status !== 0) fail(`${python} was not found (set PYTHON to use another); it is needed to install Schemathesis`);
    say(`creating ${path.relative(PROJECT_ROOT, FUZZ_VENV)}`);
    const venv = run(python, ['-m', 'venv', FUZZ_VENV]);
    if (venv.status !== 0 || !existsSync(pip)) fail(`\`${python} -m venv\` failed (on Debian/Ubuntu: apt-get install python3-venv)`);
  }
  say(`installing ${SCHEMATHESIS_REQUIREMENT} from PyPI into ${path.relative(PROJECT_ROOT, FUZZ_VENV)}`);
  const install = run(pip, ['install', '--quiet', '--disable-pip-version-check', SCHEMATHESIS_REQUIREMENT]);
  if (install.status !== 0 || !existsSync(SCHEMATHESIS)) fail(`pip install ${SCHEMATHESIS_REQUIREMENT} failed`);
  writeFileSync(STAMP_FILE, `${SCHEMATHESIS_REQUIREMENT}\n`);
}

/** FUZZ_TOKEN when given, else an admin's access token from the users service. */
async function accessToken(env: Env): Promise<string> {
  if (env.FUZZ_TOKEN) return env.FUZZ_TOKEN;
  const email = env.BOOTSTRAP_ADMIN_EMAIL || DEFAULT_ADMIN.email;
  const password = env.BOOTSTRAP_ADMIN_PASSWORD || DEFAULT_ADMIN.password;
  const url = new URL('/sessions', serviceUrl('users', env));
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    fail(`cannot log in at ${url} (${(error as Error).message}); is \`npm start\` running? Or give FUZZ_TOKEN.`);
  }
  if (!response.ok) fail(`logging in as ${email} at ${url} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  const { accessToken: token } = (await response.json()) as { accessToken?: unknown };
  if (typeof token !== 'string') fail(`${url} answered without an accessToken`);
  return token;
}

async function specAnswers(base: string): Promise<boolean> {
  try {
    const response = await fetch(new URL('/openapi.json', base), { signal: AbortSignal.timeout(5_000) });
    return response.ok;
  } catch {
    return false;
  }
}

interface Outcome {
  service: ServiceName;
  status: 'passed' | 'failed' | 'unreachable' | 'skipped';
  summary: string;
}

/** Runs Schemathesis on one service, its output passed through; the outcome from its exit code and last line. */
function fuzzService(service: ServiceName, base: string, token: string, env: Env): Promise<Outcome> {
  const reportDir = path.join(REPORT_DIR, service);
  mkdirSync(reportDir, { recursive: true });
  const args = [
    '--config-file',
    CONFIG_FILE,
    // Its output is piped through here, so it would drop its colours even on a terminal.
    ...(process.stdout.isTTY ? ['--force-color'] : []),
    'run',
    `${base}/openapi.json`,
    '--url',
    base,
    '--max-time',
    String(Number(env.FUZZ_MAX_TIME) || DEFAULT_MAX_TIME_SECONDS),
    '--report',
    'junit,ndjson',
    '--report-dir',
    reportDir,
    ...(env.FUZZ_SEED ? ['--seed', env.FUZZ_SEED] : []),
  ];
  return new Promise((resolve) => {
    let lastLine = '';
    const child = spawn(SCHEMATHESIS, args, { cwd: PROJECT_ROOT, env: { ...env, FUZZ_TOKEN: token }, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      const lines = chunk
        .toString('utf8')
        .replace(/\x1b\[[0-9;]*m/g, '')
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
      if (lines.length > 0) lastLine = lines[lines.length - 1]!;
    });
    child.on('error', (error) => resolve({ service, status: 'failed', summary: `could not run schemathesis: ${error.message}` }));
    child.on('close', (code) => {
      // The closing line reads like "==== 3 failures, 1 warning in 30.02s ====".
      const summary = lastLine.replace(/^=+\s*|\s*=+$/g, '') || `exit code ${code}`;
      resolve({ service, status: code === 0 ? 'passed' : 'failed', summary });
    });
  });
}

async function main(): Promise<void> {
  const env: Env = process.env;
  const requested = process.argv.slice(2).filter((arg) => arg !== '--');
  for (const name of requested) {
    if (!isServiceName(name)) fail(`unknown service '${name}'; the services are: ${SERVICE_NAMES.join(', ')}`);
  }
  const services = requested.length > 0 ? (requested as ServiceName[]) : SERVICE_NAMES;

  ensureSchemathesis(env);
  const token = await accessToken(env);

  const outcomes: Outcome[] = [];
  for (const service of services) {
    const base = serviceUrl(service, env).replace(/\/+$/, '');
    if (!(await specAnswers(base))) {
      // A service not built yet is not a failure of the run, unless it was asked for by name.
      const expected = requested.length > 0 || IMPLEMENTED_SERVICES.includes(service);
      outcomes.push({
        service,
        status: expected ? 'unreachable' : 'skipped',
        summary: `${base}/openapi.json does not answer${expected ? '' : ' (not built yet)'}`,
      });
      say(`${service}: ${outcomes.at(-1)!.summary}`);
      continue;
    }
    say(`${service}: fuzzing ${base}`);
    outcomes.push(await fuzzService(service, base, token, env));
  }

  console.log('\nfuzz | summary');
  for (const { service, status, summary } of outcomes) {
    console.log(`fuzz |   ${service.padEnd(14)} ${status.padEnd(12)} ${summary}`);
  }
  console.log(`fuzz | reports (JUnit, NDJSON) in ${path.relative(PROJECT_ROOT, REPORT_DIR)}/<service>`);
  const bad = outcomes.filter((outcome) => outcome.status === 'failed' || outcome.status === 'unreachable');
  process.exitCode = bad.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
