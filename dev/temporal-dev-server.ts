/**
 * The Temporal CLI's dev server (`temporal server start-dev`: frontend, history,
 * matching, the Web UI, SQLite persistence) as a child process of `npm start`
 * and of tests that need a real server with its UI.
 *
 * Custom search attributes are passed as --search-attribute flags AND then
 * registered through the operator service: on an existing --db-filename the
 * dev server ignores flags for attributes it does not have yet (checked with
 * CLI 1.9.1), so an attribute added to temporal.config.ts later would
 * otherwise never reach a developer's persistent database.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { DEFAULT_NAMESPACE, SEARCH_ATTRIBUTE_REGISTRATIONS } from '../temporal.config';
import { assertPortsFree } from './processes';
import { registerSearchAttributes } from '../platform/temporal-search-attributes';

const LOG_LINES_KEPT = 40;
const STOP_TIMEOUT_MS = 10_000;

export interface TemporalDevServerOptions {
  /** The `temporal` CLI binary (see temporalCliPath()). */
  cliPath: string;
  /** SQLite file for persistent state; omitted, everything is lost on stop. */
  dbFile?: string;
  /** Address the frontend and UI bind to; loopback unless told otherwise. */
  ip?: string;
  port: number;
  /** Web UI port, or false for none (tests). */
  uiPort: number | false;
  /** The codec server the UI asks to decode payloads (`--ui-codec-endpoint`). */
  uiCodecEndpoint?: string;
  namespace?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'never';
  /** Dynamic config values (`--dynamic-config-value KEY=JSON`), e.g. for tests that need a setting sooner. */
  dynamicConfig?: Record<string, unknown>;
  /** The server's output, line by line, until stop() is called (its shutdown chatter is dropped). */
  onLog?: (line: string) => void;
  startTimeoutMs?: number;
}

export interface TemporalDevServer {
  /** host:port of the gRPC frontend. */
  address: string;
  uiUrl?: string;
  namespace: string;
  pid: number | undefined;
  /** Resolves when the process exits, for whatever reason. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last lines the server printed, for error messages. */
  recentOutput(): string;
  stop(): Promise<void>;
}

/** The `temporal server start-dev` arguments; exported for the tests and for reading. */
export function devServerArgs(options: TemporalDevServerOptions): string[] {
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  const args = ['server', 'start-dev', '--ip', options.ip ?? '127.0.0.1', '--port', String(options.port)];
  // The UI's news feed is fetched from the internet; this project runs offline too.
  args.push(...(options.uiPort === false ? ['--headless'] : ['--ui-port', String(options.uiPort), '--ui-disable-news-fetch']));
  if (options.uiPort !== false && options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  // "default" always exists; naming it again is allowed but pointless.
  if (namespace !== DEFAULT_NAMESPACE) args.push('--namespace', namespace);
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_REGISTRATIONS)) args.push('--search-attribute', `${name}=${type}`);
  if (options.dbFile) {
    // WAL lets reads run beside the server's writes; with it, synchronous=NORMAL is still safe
    // against a crash of the server (only a power cut can lose the last commits) and much faster.
    args.push('--db-filename', options.dbFile, '--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=NORMAL');
  }
  for (const [key, value] of Object.entries(options.dynamicConfig ?? {})) args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  args.push('--log-level', options.logLevel ?? 'warn');
  return args;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function portAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function httpAnswers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  const address = `${ip}:${options.port}`;
  const uiUrl = options.uiPort === false ? undefined : `http://${ip}:${options.uiPort}`;
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  if (options.dbFile) mkdirSync(path.dirname(path.resolve(options.dbFile)), { recursive: true });
  // Otherwise the readiness check below could be answered by whatever holds the port.
  await assertPortsFree(
    [
      { port: options.port, what: 'the Temporal dev server' },
      ...(options.uiPort === false ? [] : [{ port: options.uiPort, what: 'the Temporal Web UI' }]),
    ],
    ip,
  );

  const lines: string[] = [];
  let stopping = false;
  const recentOutput = () => lines.map((line) => `  ${line}`).join('\n');

  // Own process group: a Ctrl-C in the terminal reaches `npm start` only, which stops the server after the worker.
  const child = spawn(options.cliPath, devServerArgs(options), { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      if (!line.trim()) return;
      lines.push(line);
      if (lines.length > LOG_LINES_KEPT) lines.shift();
      if (!stopping) options.onLog?.(line);
    });
  }
  let spawnError: Error | undefined;
  let hasExited = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => {
      spawnError = error;
      resolve({ code: null, signal: null });
    });
  });
  void exited.then(() => {
    hasExited = true;
  });
  // If this process ends without stop() (a crash, process.exit), the server must not outlive it.
  const killOnExit = () => {
    child.kill('SIGINT');
  };
  process.on('exit', killOnExit);

  const stop = async () => {
    stopping = true;
    if (!hasExited) {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    process.removeListener('exit', killOnExit);
  };

  const deadline = Date.now() + timeoutMs;
  const fail = async (why: string): Promise<never> => {
    await stop();
    throw new Error(`Temporal dev server (${options.cliPath}) ${why}\n${recentOutput()}`);
  };
  const checkAlive = async () => {
    if (spawnError) await fail(`could not be started: ${spawnError.message}`);
    if (hasExited) await fail(`exited while starting (port ${options.port}${uiUrl ? `, UI port ${options.uiPort}` : ''}):`);
    if (Date.now() > deadline) await fail(`did not become ready within ${timeoutMs} ms:`);
  };

  while (!(await portAnswers(ip, options.port))) {
    await checkAlive();
    await sleep(100);
  }
  let connection: Connection | undefined;
  try {
    for (;;) {
      await checkAlive();
      try {
        connection ??= await Connection.connect({ address, connectTimeout: 5000 });
        await connection.workflowService.getSystemInfo({});
        // The namespace is created during startup, a moment after the frontend answers.
        await connection.workflowService.describeNamespace({ namespace });
        break;
      } catch {
        await sleep(200);
      }
    }
    await registerSearchAttributes(connection, namespace).catch((error: unknown) =>
      fail(`did not accept the search attributes: ${error instanceof Error ? error.message : String(error)}`),
    );
  } finally {
    await connection?.close();
  }
  if (uiUrl) {
    while (!(await httpAnswers(uiUrl))) {
      await checkAlive();
      await sleep(100);
    }
  }
  return { address, uiUrl, namespace, pid: child.pid, exited, recentOutput, stop };
}
