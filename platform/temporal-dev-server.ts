/**
 * The Temporal dev server (frontend + Web UI, SQLite persistence) that
 * `npm start` runs when no TEMPORAL_ADDRESS is given.
 */
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_REGISTRATIONS } from '../temporal.config';
import { startProcess, waitUntilReady, type ManagedProcess } from './processes';

export interface DevServerOptions {
  cliPath: string;
  dbFile: string;
  port: number;
  uiPort: number;
  namespace: string;
  prefixWidth?: number;
}

export interface RunningDevServer {
  address: string;
  uiUrl: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

export function devServerArgs(options: DevServerOptions): string[] {
  return [
    'server',
    'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(options.port),
    '--ui-port', String(options.uiPort),
    '--db-filename', options.dbFile,
    '--namespace', options.namespace,
    '--sqlite-pragma', 'journal_mode=WAL',
    '--sqlite-pragma', 'synchronous=NORMAL',
    '--ui-disable-news-fetch',
    '--log-level', 'warn',
    ...Object.entries(SEARCH_ATTRIBUTE_REGISTRATIONS).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
  ];
}

async function waitForFrontend(address: string, managed: ManagedProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      return;
    } catch (error) {
      if (managed.child.exitCode !== null) {
        throw new Error(`the Temporal dev server exited:\n${managed.recentOutput.slice(-15).join('\n')}`);
      }
      if (Date.now() > deadline) throw new Error(`the Temporal dev server did not answer on ${address}: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
}

export async function startTemporalDevServer(options: DevServerOptions): Promise<RunningDevServer> {
  const managed = startProcess({ name: 'temporal', command: options.cliPath, args: devServerArgs(options), prefixWidth: options.prefixWidth });
  const address = `127.0.0.1:${options.port}`;
  const uiUrl = `http://127.0.0.1:${options.uiPort}`;
  try {
    await waitForFrontend(address, managed, 60_000);
    await waitUntilReady(managed, uiUrl, 30_000, 'the Temporal UI');
  } catch (error) {
    await managed.stop();
    throw error;
  }
  return { address, uiUrl, process: managed, stop: () => managed.stop() };
}
