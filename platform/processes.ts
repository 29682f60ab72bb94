/**
 * Child processes for `npm start`: output prefixed with the process name,
 * readiness by polling an HTTP URL, and a stop that escalates from SIGTERM to
 * SIGKILL. Kept small on purpose; each piece of the system is a plain process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

const COLORS = [36, 33, 35, 32, 34, 31, 96, 93, 95, 92];
let nextColor = 0;

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  /** The last lines it printed, to explain a failure. */
  recentOutput: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(graceMs?: number): Promise<void>;
}

export function prefixFor(name: string, width: number): string {
  const label = name.padEnd(width);
  if (!process.stdout.isTTY) return `${label} | `;
  const color = COLORS[nextColor++ % COLORS.length];
  return `\x1b[${color}m${label}\x1b[0m | `;
}

export function startProcess(options: {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  prefixWidth?: number;
}): ManagedProcess {
  const child = spawn(options.command, options.args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = prefixFor(options.name, options.prefixWidth ?? options.name.length);
  const recentOutput: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      recentOutput.push(line);
      if (recentOutput.length > 30) recentOutput.shift();
      process.stdout.write(`${prefix}${line}\n`);
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => {
      recentOutput.push(String(error));
      resolve({ code: -1, signal: null });
    });
  });
  const stop = async (graceMs = 10_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return { name: options.name, child, recentOutput, exited, stop };
}

export function isRunning(managed: ManagedProcess): boolean {
  return managed.child.exitCode === null && managed.child.signalCode === null;
}

/** Polls `url` until it answers 200; fails early when the process dies. */
export async function waitUntilReady(managed: ManagedProcess | undefined, url: string, timeoutMs: number, what = url): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (managed && !isRunning(managed)) {
      throw new Error(`${managed.name} exited before it was ready:\n${managed.recentOutput.slice(-15).join('\n')}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      const output = managed ? `\nlast output:\n${managed.recentOutput.slice(-15).join('\n')}` : '';
      throw new Error(`${what} was not ready after ${timeoutMs / 1000}s${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Fails with a message naming the port and the variable that moves it. */
export async function assertPortFree(port: number, variable: string, host = '127.0.0.1'): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`port ${port} is already in use (another npm start?); stop that process or set ${variable} to another port`)
          : error,
      );
    });
    server.listen(port, host, () => server.close(() => resolve()));
  });
}
