/**
 * Child processes for `npm start` and `npm run service`: output line by line
 * with a prefix, the last lines kept to explain a failure, readiness by HTTP
 * polling, and a stop that escalates from SIGTERM to SIGKILL. (What to do when
 * one ends is the supervisor's business: dev/supervisor.ts.)
 *
 * Children run in their own process group (detached), so a Ctrl-C in the
 * terminal reaches only the launcher, which then stops them in order (worker,
 * services, Temporal, PostgreSQL) instead of all of them at once.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { UNHANDLED_ERROR_EXIT_CODE } from '../platform/logger';

const LINES_KEPT = 40;

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (e.g. ENOENT). */
  error?: Error;
}

export interface ManagedProcess {
  name: string;
  pid: number | undefined;
  exited: Promise<ExitInfo>;
  hasExited(): boolean;
  /** The last lines it printed, indented, for error messages. */
  recentOutput(lines?: number): string;
  stop(options?: { signal?: NodeJS.Signals; graceMs?: number }): Promise<ExitInfo>;
}

export interface StartProcessOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Applied to each line before it is kept or passed on (e.g. formatLogLine). */
  format?: (line: string) => string;
  /** Each line of stdout and stderr. */
  onLine?: (line: string) => void;
}

export function describeExit(info: ExitInfo): string {
  if (info.error) return `could not be started: ${info.error.message}`;
  if (info.signal) return `was killed by ${info.signal}`;
  if (info.code === UNHANDLED_ERROR_EXIT_CODE) return `exited with code ${info.code} (an unhandled error: see its log)`;
  return info.code === null ? 'exited' : `exited with code ${info.code}`;
}

/** `node --import tsx <file>`: one process per part (no tsx wrapper process in between to relay signals). */
export function tsxCommand(file: string): { command: string; args: string[] } {
  return { command: process.execPath, args: ['--import', 'tsx', file] };
}

// Detached children outlive a launcher that crashes or calls process.exit(); make sure they do not.
const killOnLauncherExit = new Set<() => void>();
let exitHookInstalled = false;

export function startProcess(options: StartProcessOptions): ManagedProcess {
  if (!exitHookInstalled) {
    process.on('exit', () => killOnLauncherExit.forEach((kill) => kill()));
    exitHookInstalled = true;
  }
  const child = spawn(options.command, options.args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const recent: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (raw) => {
      const line = options.format ? options.format(raw) : raw;
      recent.push(line);
      if (recent.length > LINES_KEPT) recent.shift();
      options.onLine?.(line);
    });
  }
  let exitInfo: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => resolve((exitInfo = { code, signal })));
    child.once('error', (error) => resolve((exitInfo = { code: null, signal: null, error })));
  });

  const killOnExit = () => signalGroup('SIGKILL');
  killOnLauncherExit.add(killOnExit);
  void exited.then(() => killOnLauncherExit.delete(killOnExit));

  function signalGroup(signal: NodeJS.Signals): void {
    if (exitInfo || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      child.kill(signal);
    }
  }

  const stop = async ({ signal = 'SIGTERM' as NodeJS.Signals, graceMs = 10_000 } = {}) => {
    signalGroup(signal);
    const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
    const info = await exited;
    clearTimeout(timer);
    return info;
  };

  return {
    name: options.name,
    pid: child.pid,
    exited,
    hasExited: () => exitInfo !== undefined,
    recentOutput: (lines = 20) =>
      recent
        .slice(-lines)
        .map((line) => `    ${line}`)
        .join('\n'),
    stop,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `url` until it answers 200. Fails early, with its last output, when
 * the process it belongs to exits; and after the timeout, naming what it waited for.
 */
export async function waitForHttp(
  url: string,
  options: { timeoutMs: number; what: string; process?: Pick<ManagedProcess, 'exited' | 'recentOutput'> },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const owner = options.process;
  let ended: ExitInfo | undefined;
  void owner?.exited.then((info) => (ended = info));
  let last: string;
  for (;;) {
    if (owner && ended) {
      throw new Error(`${options.what} ${describeExit(ended)} before it was ready; its last lines:\n${owner.recentOutput()}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.body?.cancel();
      if (response.status === 200) return;
      last = `last answer: HTTP ${response.status}`;
    } catch (error) {
      last = `last error: ${(error as { cause?: { code?: string } }).cause?.code ?? (error instanceof Error ? error.message : String(error))}`;
    }
    if (Date.now() > deadline) {
      const output = owner ? `; its last lines:\n${owner.recentOutput()}` : '';
      throw new Error(`${options.what} was not ready within ${Math.round(options.timeoutMs / 1000)} s (GET ${url}, ${last})${output}`);
    }
    await sleep(200);
  }
}

/** A port that was free a moment ago on loopback. */
export function getFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface PortClaim {
  port: number;
  /** What wants the port, e.g. "the inventory service". */
  what: string;
  /** The variable that moves it, if there is one. */
  envVar?: string;
}

function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(false) : reject(error)));
    server.listen({ port, host }, () => server.close(() => resolve(true)));
  });
}

/** Fails with one message naming every port that is taken, and the variable that moves each. */
export async function assertPortsFree(claims: PortClaim[], host = '127.0.0.1'): Promise<void> {
  const seen = new Map<number, PortClaim>();
  const problems: string[] = [];
  for (const claim of claims) {
    const twice = seen.get(claim.port);
    if (twice) {
      problems.push(`port ${claim.port} is wanted by both ${twice.what} and ${claim.what}: ${claim.envVar ? `set ${claim.envVar} to another port` : 'choose another port'}`);
      continue;
    }
    seen.set(claim.port, claim);
    if (!(await portIsFree(claim.port, host))) {
      problems.push(`port ${claim.port} (${claim.what}) is already in use by another process: stop it, or ${claim.envVar ? `set ${claim.envVar} to another port` : 'choose another port'}`);
    }
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
}

const COLORS = [36, 33, 35, 32, 34, 96, 93, 95, 92, 94];

/** `name  | ` prefixes of one width, colored when stdout is a terminal (and NO_COLOR is unset). */
export function createPrefixer(names: string[], stream: NodeJS.WriteStream = process.stdout): (name: string) => string {
  const width = Math.max(...names.map((name) => name.length));
  const color = stream.isTTY === true && !process.env.NO_COLOR;
  const colors = new Map<string, number>();
  return (name) => {
    const label = name.padEnd(width);
    if (!color) return `${label} | `;
    if (!colors.has(name)) colors.set(name, COLORS[colors.size % COLORS.length] ?? 36);
    return `\x1b[${colors.get(name)}m${label} |\x1b[0m `;
  };
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const OMITTED = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'req', 'res', 'responseTime', 'err', 'reqId']);

/**
 * A pino JSON line as `LEVEL message details`, for people reading `npm start`.
 * Anything that is not a pino line passes through unchanged; LOG_FORMAT=json keeps every line raw.
 */
export function formatLogLine(line: string): string {
  if (process.env.LOG_FORMAT === 'json' || !line.startsWith('{')) return line;
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (typeof entry.level !== 'number' || typeof entry.msg !== 'string') return line;
  const parts = [(LEVELS[entry.level] ?? String(entry.level)).padEnd(5), entry.msg];
  const req = entry.req as { method?: string; url?: string } | undefined;
  const res = entry.res as { statusCode?: number } | undefined;
  if (req?.method) parts.push(`${req.method} ${req.url ?? ''}${res?.statusCode ? ` -> ${res.statusCode}` : ''}`);
  if (typeof entry.responseTime === 'number') parts.push(`(${entry.responseTime} ms)`);
  const err = entry.err as { message?: string; stack?: string } | undefined;
  if (err) parts.push(entry.level >= 50 && err.stack ? `\n${err.stack}` : (err.message ?? ''));
  const rest = Object.fromEntries(Object.entries(entry).filter(([key]) => !OMITTED.has(key)));
  if (Object.keys(rest).length > 0) parts.push(JSON.stringify(rest));
  return parts.join(' ');
}
