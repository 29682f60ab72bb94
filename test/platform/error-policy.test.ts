/**
 * The process-level error policy, in the real entry points: an unhandled
 * rejection or an uncaught exception is logged (pino, with its stack) and the
 * process exits non-zero for its supervisor to restart. A preloaded fixture
 * makes the fault when the process gets SIGHUP.
 */
import path from 'node:path';
import { UNHANDLED_ERROR_EXIT_CODE } from '../../platform/logger';
import { startProcess, waitForHttp, type ManagedProcess } from '../../dev/processes';
import { createTestDatabase } from '../support/database';
import { getFreePort } from '../support/ports';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '../..');
const FAULT = path.join(__dirname, 'fixtures', 'fault-on-sighup.js');

function run(entry: string, env: Record<string, string>, onLine: (line: string) => void = () => undefined): ManagedProcess {
  return startProcess({
    name: entry,
    command: process.execPath,
    args: ['--require', FAULT, '--import', 'tsx', path.join(ROOT, entry)],
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', SERVICE_CLIENT_SECRET: 'error-policy-test', ...env },
    onLine,
  });
}

async function faultAndExpectExit(child: ManagedProcess, name: string, what: RegExp): Promise<void> {
  process.kill(child.pid!, 'SIGHUP');
  const exit = await child.exited;
  expect(exit).toEqual({ code: UNHANDLED_ERROR_EXIT_CODE, signal: null });
  const fatal = child
    .recentOutput(40)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; name: string; msg: string; err?: { message: string; stack: string } })
    .find((entry) => entry.level === 60);
  expect(fatal).toMatchObject({ name, err: { message: 'a fault nothing handles (test fixture)' } });
  expect(fatal!.msg).toMatch(what);
  expect(fatal!.err!.stack).toMatch(/fault-on-sighup\.js/);
}

describe('an error nothing handles', () => {
  it('makes a service log it with its stack and exit non-zero', async () => {
    const port = await getFreePort();
    const service = run('services/inventory/main.ts', { INVENTORY_DATABASE_URL: await createTestDatabase('error_policy'), PORT: String(port) });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/ready`, { timeoutMs: 60_000, what: 'the inventory service', process: service });
      await faultAndExpectExit(service, 'inventory', /^unhandled promise rejection: exiting \(code 70\) for the supervisor to start a clean process$/);
    } finally {
      await service.stop({ graceMs: 5_000 });
    }
  });

  it('makes the gateway log an uncaught exception and exit non-zero', async () => {
    const port = await getFreePort();
    const gateway = run('gateway/main.ts', { GATEWAY_PORT: String(port), FAULT: 'exception' });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/ready`, { timeoutMs: 60_000, what: 'the gateway', process: gateway });
      await faultAndExpectExit(gateway, 'gateway', /^uncaught exception: exiting/);
    } finally {
      await gateway.stop({ graceMs: 5_000 });
    }
  });

  it('makes the worker log it and exit non-zero, even while it waits for Temporal', async () => {
    let sawWaiting: () => void = () => undefined;
    const waiting = new Promise<void>((resolve) => (sawWaiting = resolve));
    const worker = run('worker/main.ts', { TEMPORAL_ADDRESS: `127.0.0.1:${await getFreePort()}`, WORKER_HEALTH_PORT: String(await getFreePort()) }, (line) => {
      if (line.includes('waiting for Temporal')) sawWaiting();
    });
    try {
      await Promise.race([waiting, worker.exited.then(() => Promise.reject(new Error(`the worker ended:\n${worker.recentOutput()}`)))]);
      await faultAndExpectExit(worker, 'worker', /^unhandled promise rejection: exiting/);
    } finally {
      await worker.stop({ graceMs: 5_000 });
    }
  });
});
