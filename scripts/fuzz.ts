/**
 * npm run fuzz [-- <service|gateway> ...]: every service's API, and the
 * gateway's, fuzzed against its own spec (`/openapi.json`) by Schemathesis, an
 * independent fuzzer, with valid, invalid and hostile input: examples, coverage
 * (boundary and just-past-boundary values, wrong types, unexpected methods),
 * random fuzzing and stateful sequences (create, then read, change, delete what
 * was created). Settings and the few justified exceptions are in schemathesis.toml.
 *
 * Runs against a shop that is already up (`npm start`): each service, then the
 * gateway twice (as an admin, and as a customer), one after another, each for
 * a time budget; prints a summary and exits non-zero when any run has a
 * failure, or a part that should be up does not answer.
 * It changes data: point it at a development shop, never at one that matters.
 *
 *   npm run fuzz                        every service, then the gateway
 *   npm run fuzz -- orders gateway      just these
 *   FUZZ_MAX_TIME=120 npm run fuzz      seconds per run (default 30)
 *   FUZZ_TOKEN=<jwt> npm run fuzz       the admin token to use instead of logging in
 *   FUZZ_CUSTOMER_TOKEN=<jwt>           the customer token, likewise
 *   ORDERS_URL=http://host:4004 ...     where a part is (platform/services.ts; GATEWAY_URL for the gateway)
 *   FUZZ_SEED=123 npm run fuzz          repeat a run's generated data
 *
 * The tokens, from the users service: an admin's (`POST /sessions` with
 * BOOTSTRAP_ADMIN_EMAIL / BOOTSTRAP_ADMIN_PASSWORD, the defaults npm start
 * bootstraps), so every operation is reachable; and, for the gateway, a
 * customer's (a fuzz customer signed up on first use), who must be refused
 * whatever is not theirs. The fuzzer also sends requests without a token to
 * check they are refused. The gateway limits each client's rate (429 with
 * Retry-After, as its spec says), so its runs are paced to stay under the limit
 * it announces; login and sign-up have their own, lower ones and mostly answer 429.
 * Reports: .schemathesis/fuzz/<run>.
 *
 * Schemathesis is installed on first use into .tools/fuzz-venv (python3 -m venv
 * + pip, pinned), like dev/setup-temporal.ts does for the Temporal binaries.
 */
import { spawn, spawnSync } from 'node:child_process';
import { decodeJwt } from 'jose';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
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
/** Signed up on first use; a development shop only. */
const FUZZ_CUSTOMER = { email: 'fuzz-customer@shop.example', password: 'fuzz-customer-password', name: 'Fuzz Customer' };
const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:8080';
/** The share of the gateway's announced rate the fuzzer uses: its window is fixed, the fuzzer's pacing slides. */
const GATEWAY_RATE_SHARE = 0.9;

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

async function postToUsers(env: Env, route: string, body: unknown, what: string): Promise<Response> {
  const url = new URL(route, serviceUrl('users', env));
  try {
    return await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    fail(`cannot ${what} at ${url} (${(error as Error).message}); is \`npm start\` running? Or give the token (FUZZ_TOKEN, FUZZ_CUSTOMER_TOKEN).`);
  }
}

async function logIn(env: Env, email: string, password: string): Promise<string> {
  const response = await postToUsers(env, '/sessions', { email, password }, 'log in');
  if (!response.ok) fail(`logging in as ${email} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  const { accessToken: token } = (await response.json()) as { accessToken?: unknown };
  if (typeof token !== 'string') fail(`logging in as ${email} answered without an accessToken`);
  return token;
}

/** FUZZ_TOKEN when given, else an admin's access token from the users service. */
async function adminToken(env: Env): Promise<string> {
  if (env.FUZZ_TOKEN) return env.FUZZ_TOKEN;
  return logIn(env, env.BOOTSTRAP_ADMIN_EMAIL || DEFAULT_ADMIN.email, env.BOOTSTRAP_ADMIN_PASSWORD || DEFAULT_ADMIN.password);
}

/** FUZZ_CUSTOMER_TOKEN when given, else the fuzz customer's, signed up when it is not there yet; with the customer's id. */
async function fuzzCustomer(env: Env): Promise<{ token: string; id: string }> {
  let token = env.FUZZ_CUSTOMER_TOKEN;
  if (!token) {
    const signUp = await postToUsers(env, '/users', FUZZ_CUSTOMER, 'sign up the fuzz customer');
    if (!signUp.ok && signUp.status !== 409) fail(`signing up ${FUZZ_CUSTOMER.email} answered ${signUp.status}: ${(await signUp.text()).slice(0, 300)}`);
    token = await logIn(env, FUZZ_CUSTOMER.email, FUZZ_CUSTOMER.password);
  }
  const { sub } = decodeJwt(token);
  if (!sub) fail('the customer token has no subject');
  return { token, id: sub };
}

/**
 * The pace the gateway allows one client, from the RateLimit-Policy it announces
 * (`"600-in-1min"; q=600; w=60`), as Schemathesis' `--rate-limit` (`540/m`).
 */
export function gatewayPace(policy: string | null): string | undefined {
  const quota = /\bq=(\d+)/.exec(policy ?? '')?.[1];
  const window = /\bw=(\d+)/.exec(policy ?? '')?.[1];
  if (!quota || !window) return undefined;
  const perMinute = Math.floor(((Number(quota) * 60) / Number(window)) * GATEWAY_RATE_SHARE);
  return perMinute >= 1 ? `${perMinute}/m` : undefined;
}

async function announcedPace(base: string): Promise<string | undefined> {
  // Any routed path carries the policy (the spec and docs are not limited); /stock is public.
  const response = await fetch(new URL('/stock?limit=1', base), { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
  return gatewayPace(response?.headers.get('ratelimit-policy') ?? null);
}

async function specAnswers(base: string): Promise<boolean> {
  try {
    const response = await fetch(new URL('/openapi.json', base), { signal: AbortSignal.timeout(5_000) });
    return response.ok;
  } catch {
    return false;
  }
}

type Target = ServiceName | 'gateway';

interface FuzzRun {
  /** How the run is named in the summary and its report folder. */
  name: string;
  base: string;
  token: string;
  /** Schemathesis' --rate-limit, where the API limits the fuzzer's rate. */
  rateLimit?: string;
  /** The fuzz customer, whose own resources the gateway's runs address (schemathesis.toml). */
  customerId: string;
}

interface Outcome {
  name: string;
  status: 'passed' | 'failed' | 'unreachable' | 'skipped';
  summary: string;
}

/** Runs Schemathesis on one API, its output passed through; the outcome from its exit code and last line. */
function fuzz(run: FuzzRun, env: Env): Promise<Outcome> {
  const { name, base, token } = run;
  const reportDir = path.join(REPORT_DIR, name);
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
    ...(run.rateLimit ? ['--rate-limit', run.rateLimit] : []),
  ];
  return new Promise((resolve) => {
    let lastLine = '';
    const child = spawn(SCHEMATHESIS, args, { cwd: PROJECT_ROOT, env: { ...env, FUZZ_TOKEN: token, FUZZ_CUSTOMER_ID: run.customerId }, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      const lines = stripVTControlCharacters(chunk.toString('utf8'))
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
      if (lines.length > 0) lastLine = lines[lines.length - 1]!;
    });
    child.on('error', (error) => resolve({ name, status: 'failed', summary: `could not run schemathesis: ${error.message}` }));
    child.on('close', (code) => {
      // The closing line reads like "==== 3 failures, 1 warning in 30.02s ====".
      const summary = lastLine.replace(/^=+\s*|\s*=+$/g, '') || `exit code ${code}`;
      resolve({ name, status: code === 0 ? 'passed' : 'failed', summary });
    });
  });
}

const baseUrl = (target: Target, env: Env) => (target === 'gateway' ? env.GATEWAY_URL || DEFAULT_GATEWAY_URL : serviceUrl(target, env)).replace(/\/+$/, '');

async function main(): Promise<void> {
  const env: Env = process.env;
  const requested = process.argv.slice(2).filter((arg) => arg !== '--');
  for (const name of requested) {
    if (name !== 'gateway' && !isServiceName(name)) fail(`unknown part '${name}'; the services are: ${SERVICE_NAMES.join(', ')}, and the gateway`);
  }
  const targets = requested.length > 0 ? (requested as Target[]) : [...SERVICE_NAMES, 'gateway' as const];

  ensureSchemathesis(env);
  const admin = await adminToken(env);
  const customer = await fuzzCustomer(env);

  const outcomes: Outcome[] = [];
  for (const target of targets) {
    const base = baseUrl(target, env);
    if (!(await specAnswers(base))) {
      // A service not built yet is not a failure of the run, unless it was asked for by name.
      const expected = requested.length > 0 || target === 'gateway' || IMPLEMENTED_SERVICES.includes(target);
      outcomes.push({
        name: target,
        status: expected ? 'unreachable' : 'skipped',
        summary: `${base}/openapi.json does not answer${expected ? '' : ' (not built yet)'}`,
      });
      say(`${target}: ${outcomes.at(-1)!.summary}`);
      continue;
    }
    if (target !== 'gateway') {
      say(`${target}: fuzzing ${base}`);
      outcomes.push(await fuzz({ name: target, base, token: admin, customerId: customer.id }, env));
      continue;
    }
    const rateLimit = await announcedPace(base);
    say(`gateway: fuzzing ${base}${rateLimit ? ` at ${rateLimit}, under its rate limit` : ''}, as an admin, then as a customer`);
    outcomes.push(await fuzz({ name: 'gateway-admin', base, token: admin, rateLimit, customerId: customer.id }, env));
    outcomes.push(await fuzz({ name: 'gateway-customer', base, token: customer.token, rateLimit, customerId: customer.id }, env));
  }

  console.log('\nfuzz | summary');
  for (const { name, status, summary } of outcomes) {
    console.log(`fuzz |   ${name.padEnd(17)} ${status.padEnd(12)} ${summary}`);
  }
  console.log(`fuzz | reports (JUnit, NDJSON) in ${path.relative(PROJECT_ROOT, REPORT_DIR)}/<run>`);
  const bad = outcomes.filter((outcome) => outcome.status === 'failed' || outcome.status === 'unreachable');
  process.exitCode = bad.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
