/**
 * The shop the benchmark measures: its own, started by `npm start` itself in a
 * fresh copy of this working tree (the files git tracks or would track, with
 * node_modules and .tools linked in, as after `npm install` and `npm run setup`),
 * on free ports, so neither a running `npm start` nor its data are touched.
 * The first start there builds dist/ and creates the databases, as a fresh
 * clone does; the second reuses both.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../platform/project-root';
import { IMPLEMENTED_SERVICES, SIMULATORS, SIMULATOR_NAMES } from '../platform/services';
import { getFreePort } from '../dev/processes';
import { descendants, listProcesses, type ProcInfo } from './proc';

export interface ShopPorts {
  env: Record<string, string>;
  /** Where a client reaches each part (USERS_URL, GATEWAY_URL, TEMPORAL_ADDRESS, ...). */
  urls: Record<string, string>;
}

/** A free port for every part, and the variables `npm start` and the clients take them from. */
export async function freeShopPorts(): Promise<ShopPorts> {
  const env: Record<string, string> = {};
  const urls: Record<string, string> = {};
  const take = async (variable: string) => (env[variable] = String(await getFreePort()));
  await take('EMBEDDED_POSTGRES_PORT');
  await take('TEMPORAL_DEV_SERVER_PORT');
  await take('TEMPORAL_UI_PORT');
  await take('WORKER_HEALTH_PORT');
  // Every port npm start claims, so that the bench's shop starts beside another one (dev/start.ts portClaims).
  await take('WORKER_SDK_METRICS_PORT');
  await take('GATEWAY_METRICS_PORT');
  await take('CODEC_SERVER_PORT');
  for (const service of IMPLEMENTED_SERVICES) {
    urls[`${service.toUpperCase()}_URL`] = `http://127.0.0.1:${await take(`${service.toUpperCase()}_PORT`)}`;
  }
  for (const simulator of SIMULATOR_NAMES) {
    const prefix = SIMULATORS[simulator].env;
    urls[`${prefix}_URL`] = `http://127.0.0.1:${await take(`${prefix}_PORT`)}`;
  }
  await take('MAIL_SERVER_SMTP_PORT');
  urls.GATEWAY_URL = `http://127.0.0.1:${await take('GATEWAY_PORT')}`;
  urls.TEMPORAL_ADDRESS = `127.0.0.1:${env.TEMPORAL_DEV_SERVER_PORT}`;
  urls.DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${env.EMBEDDED_POSTGRES_PORT}/postgres`;
  return { env, urls };
}

/**
 * A fresh copy of the working tree, as `git clone` + `npm install` + `npm run setup` would leave it;
 * or of an earlier commit (`--baseline`), to measure what a change did.
 */
export function freshCopy(commit?: string): string {
  const parent = mkdtempSync(path.join(os.tmpdir(), 'shop-bench-'));
  // Run as root, the embedded PostgreSQL runs as its own user, which must reach its data directory.
  chmodSync(parent, 0o755);
  const dir = path.join(parent, 'shop');
  if (commit) {
    mkdirSync(dir);
    execFileSync('bash', ['-c', `git archive ${JSON.stringify(commit)} | tar -x -C ${JSON.stringify(dir)}`], { cwd: PROJECT_ROOT });
    symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    symlinkSync(path.join(PROJECT_ROOT, '.tools'), path.join(dir, '.tools'));
    return dir;
  }
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: PROJECT_ROOT, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    const target = path.join(dir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    try {
      copyFileSync(path.join(PROJECT_ROOT, file), target);
    } catch (error) {
      // Deleted in the working tree but not yet in the index.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  symlinkSync(path.join(PROJECT_ROOT, '.tools'), path.join(dir, '.tools'));
  return dir;
}

export function removeCopy(dir: string): void {
  rmSync(path.dirname(dir), { recursive: true, force: true });
}

export interface RunningShop {
  /** npm's pid; the launcher is its child. */
  pid: number;
  /** From spawning `npm start` to its "The shop is running" line. */
  readyMs: number;
  stop(): Promise<void>;
  /** The shop's processes now, by part: each Node process of ours, PostgreSQL's, Temporal's. */
  processes(): ShopProcesses;
  output(): string;
}

export interface ShopProcesses {
  /** Our Node processes, by part name (orders, gateway, worker, payment-provider, ...). */
  node: Map<string, number>;
  /** The postmaster and its backends, but for those serving someone else (notForTheShop). */
  postgres: number[];
  /** Backends of the same server serving the simulators' databases or the bench's own bare handler: not the shop's. */
  postgresNotShop: number[];
  postmaster?: number;
  temporal: number[];
  /** npm start itself (npm, the launcher): development tooling, not the shop. */
  launcher: number[];
}

/** `.../dist/services/orders/main.js` → orders; `.../dist/gateway/main.js` → gateway (or their sources, run by tsx). */
export function partOf(cmdline: string, dir: string): string | undefined {
  const match = new RegExp(`${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/(?:dist/)?(?:services/|simulators/)?([\\w-]+)/main\\.[jt]s`).exec(cmdline);
  return match?.[1];
}

/** The role the bench's bare catalog handler logs in as, so that its backends can be told from the shop's. */
export const BARE_CATALOG_ROLE = 'bench_bare';

/**
 * A backend's command line is `postgres: <role> <database> <client> <state>`: those of the
 * simulators' databases and of the bare handler's role work for someone else than the shop.
 */
export function notForTheShop(cmdline: string): boolean {
  const [, role, database] = /^postgres: (\S+) (\S+) /.exec(cmdline) ?? [];
  return role === BARE_CATALOG_ROLE || Object.values(SIMULATORS).some((simulator) => simulator.database === database);
}

function classify(dir: string, npmPid: number, all: ProcInfo[]): ShopProcesses {
  const result: ShopProcesses = { node: new Map(), postgres: [], postgresNotShop: [], temporal: [], launcher: [npmPid] };
  let postmaster: number | undefined;
  try {
    postmaster = Number(readFileSync(path.join(dir, '.data', 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    postmaster = undefined;
  }
  for (const proc of descendants(npmPid, all)) {
    const part = partOf(proc.cmdline, dir);
    if (part) result.node.set(part, proc.pid);
    else if (proc.pid === postmaster) result.postgres.push(proc.pid);
    else if (/temporal server start-dev/.test(proc.cmdline)) result.temporal.push(proc.pid);
    else if (!postmaster || !descendants(postmaster, all).some((child) => child.pid === proc.pid)) result.launcher.push(proc.pid);
  }
  for (const backend of postmaster ? descendants(postmaster, all) : []) {
    (notForTheShop(backend.cmdline) ? result.postgresNotShop : result.postgres).push(backend.pid);
  }
  result.postmaster = postmaster;
  return result;
}

/**
 * Runs `npm start` in `dir` on the given ports and waits for it to say the shop is running.
 * `extraEnv` tunes the shop for load (e.g. the gateway's rate limits for one address).
 */
export async function startShop(dir: string, ports: ShopPorts, extraEnv: Record<string, string> = {}, timeoutMs = 300_000): Promise<RunningShop> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...ports.env, ...extraEnv, NO_COLOR: '1' };
  // Where a running shop of the developer's points its clients must not leak into this one.
  for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'PORT', ...Object.keys(ports.urls)]) delete env[name];
  Object.assign(env, ports.env, extraEnv);
  // npm start's output goes to a file, not through this process: while the catalog is measured the
  // shop logs thousands of requests a second, and reading them here would take CPU from the load
  // generator (autocannon) that runs in this process, against the service only (the bare handler logs nothing).
  const logFile = path.join(dir, `npm-start-${Date.now()}.log`);
  const out = openSync(logFile, 'a');
  const started = performance.now();
  const child = spawn('npm', ['start'], { cwd: dir, env, stdio: ['ignore', out, out] });
  closeSync(out);
  const lastLines = (count: number) => readFileSync(logFile, 'utf8').split('\n').slice(-count).join('\n');
  const output = () => lastLines(2000);
  let readyMs: number | undefined;
  let exitedEarly: string | undefined;
  child.once('exit', (code, signal) => {
    exitedEarly = String(signal ?? code);
  });
  const ready = (async () => {
    // The start's own log is short: reading it whole every 50 ms costs nothing worth counting.
    while (performance.now() - started < timeoutMs) {
      if (/^The shop is running/m.test(readFileSync(logFile, 'utf8'))) {
        readyMs = performance.now() - started;
        return;
      }
      if (exitedEarly !== undefined) throw new Error(`npm start ended (${exitedEarly}) before it was ready:\n${lastLines(30)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`npm start was not ready within ${timeoutMs / 1000} s:\n${lastLines(30)}`);
  })();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const launcherPid = () => descendants(child.pid!).find((proc) => /^\S*node\S* .*(dev|scripts)\/start\.ts/.test(proc.cmdline))?.pid;
  const stop = async () => {
    // Ctrl-C reaches the launcher, which stops every part in order; npm then ends.
    const pid = launcherPid();
    if (pid) process.kill(pid, 'SIGINT');
    else child.kill('SIGINT');
    await exited;
  };
  try {
    await ready;
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    pid: child.pid!,
    readyMs: readyMs!,
    stop,
    processes: () => classify(dir, child.pid!, listProcesses()),
    output,
  };
}
