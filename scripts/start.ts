/**
 * npm start: the whole shop on this machine, each part its own process.
 *   PostgreSQL  DATABASE_URL, or an embedded server with its data in .data/postgres
 *   Temporal    TEMPORAL_ADDRESS, or the dev server + Web UI with its data in .data/temporal.db
 *   services    every implemented service, each on its own database
 *   worker      the checkout worker
 *   demo data   loaded once (a restart keeps what changed)
 * Ctrl-C stops everything in reverse order.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_EMBEDDED_POSTGRES_PORT, startEmbeddedPostgres } from '../platform/embedded-postgres';
import { postgresAnswers, redact } from '../platform/postgres';
import { assertPortFree, isRunning, startProcess, waitUntilReady, type ManagedProcess } from '../platform/processes';
import { IMPLEMENTED_SERVICES, SERVICES, serviceUrl, type ServiceName } from '../platform/services';
import { PROJECT_ROOT, temporalCliPath } from '../platform/temporal-binaries';
import { startTemporalDevServer } from '../platform/temporal-dev-server';
import { registerSearchAttributes } from '../platform/temporal-search-attributes';
import { connectClient } from '../platform/temporal-connection';
import { DEFAULT_ADDRESS, temporalConnectionConfig } from '../temporal.config';
import { DEFAULT_WORKER_HEALTH_PORT } from '../worker/main';
import { setupTemporalBinaries } from './setup-temporal';

const DATA_DIR = path.join(PROJECT_ROOT, '.data');
const PREFIX_WIDTH = Math.max('notifications'.length, 'temporal'.length);
const READY_TIMEOUT_MS = 90_000;

interface Stoppable {
  name: string;
  stop(): Promise<void>;
}

const running: Stoppable[] = [];
const children: ManagedProcess[] = [];
let shuttingDown = false;

function say(message: string): void {
  console.log(`${'start'.padEnd(PREFIX_WIDTH)} | ${message}`);
}

function tsxProcess(name: string, file: string, env: NodeJS.ProcessEnv): ManagedProcess {
  const managed = startProcess({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', path.join(PROJECT_ROOT, file)],
    env,
    cwd: PROJECT_ROOT,
    prefixWidth: PREFIX_WIDTH,
  });
  children.push(managed);
  return managed;
}

async function startPostgres(): Promise<string> {
  if (process.env.DATABASE_URL) {
    say(`PostgreSQL: using DATABASE_URL ${redact(process.env.DATABASE_URL)}`);
    return process.env.DATABASE_URL;
  }
  const port = Number(process.env.EMBEDDED_POSTGRES_PORT || DEFAULT_EMBEDDED_POSTGRES_PORT);
  await assertPortFree(port, 'EMBEDDED_POSTGRES_PORT');
  say(`PostgreSQL: starting the embedded server (data in .data/postgres, port ${port})`);
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(DATA_DIR, 'postgres'), port, persistent: true });
  running.push({ name: 'postgres', stop: postgres.stop });
  if (!(await postgresAnswers(postgres.adminUrl))) throw new Error('the embedded PostgreSQL started but does not answer');
  return postgres.adminUrl;
}

async function startTemporal(): Promise<{ address: string; uiUrl?: string }> {
  const config = temporalConnectionConfig();
  if (!config.embedded) {
    say(`Temporal: using TEMPORAL_ADDRESS ${config.address} (namespace ${config.namespace})`);
    const client = await connectClient(config);
    try {
      const added = await registerSearchAttributes(client.connection, config.namespace);
      if (added.length > 0) say(`Temporal: registered search attributes ${added.join(', ')}`);
    } catch (error) {
      say(`Temporal: could not register the search attributes (${String(error)}); register them by hand for the UI filters to work`);
    } finally {
      await client.connection.close();
    }
    return { address: config.address, uiUrl: process.env.TEMPORAL_UI_URL };
  }
  const cliPath = temporalCliPath();
  if (!cliPath) throw new Error('no Temporal CLI: run `npm run setup`, put `temporal` on PATH, or set TEMPORAL_CLI_PATH');
  const port = Number(DEFAULT_ADDRESS.split(':')[1]);
  await assertPortFree(port, 'TEMPORAL_ADDRESS (to use another server)');
  await assertPortFree(config.uiPort, 'TEMPORAL_UI_PORT');
  say(`Temporal: starting the dev server (data in .data/temporal.db)`);
  const server = await startTemporalDevServer({
    cliPath,
    dbFile: path.join(DATA_DIR, 'temporal.db'),
    port,
    uiPort: config.uiPort,
    namespace: config.namespace,
    prefixWidth: PREFIX_WIDTH,
  });
  running.push({ name: 'temporal', stop: server.stop });
  watch(server.process);
  return { address: server.address, uiUrl: server.uiUrl };
}

/** A part that dies while the system runs takes the system down, loudly. */
function watch(managed: ManagedProcess): void {
  void managed.exited.then(({ code, signal }) => {
    if (shuttingDown) return;
    console.error(`\n${managed.name} stopped unexpectedly (${signal ?? `exit code ${code}`}); last output:\n${managed.recentOutput.slice(-15).join('\n')}\n`);
    void shutdown(1);
  });
}

async function startServices(childEnv: NodeJS.ProcessEnv): Promise<void> {
  for (const name of IMPLEMENTED_SERVICES) await assertPortFree(SERVICES[name].port, `${name.toUpperCase()}_PORT`);
  const started = IMPLEMENTED_SERVICES.map((name) => ({ name, process: tsxProcess(name, `services/${name}/main.ts`, childEnv) }));
  started.forEach(({ process: managed }) => watch(managed));
  await Promise.all(started.map(({ name, process: managed }) => waitUntilReady(managed, `${serviceUrl(name, childEnv)}/ready`, READY_TIMEOUT_MS, `the ${name} service`)));
  running.push(...started.map(({ name, process: managed }) => ({ name, stop: () => managed.stop() })));
}

async function startWorker(childEnv: NodeJS.ProcessEnv): Promise<void> {
  const port = Number(childEnv.WORKER_HEALTH_PORT || DEFAULT_WORKER_HEALTH_PORT);
  await assertPortFree(port, 'WORKER_HEALTH_PORT');
  const worker = tsxProcess('worker', 'worker/main.ts', childEnv);
  watch(worker);
  await waitUntilReady(worker, `http://127.0.0.1:${port}/health`, READY_TIMEOUT_MS, 'the worker');
  running.push({ name: 'worker', stop: () => worker.stop(30_000) });
}

async function loadDemoData(childEnv: NodeJS.ProcessEnv): Promise<void> {
  const seed = tsxProcess('seed', 'scripts/seed.ts', childEnv);
  const { code } = await seed.exited;
  if (code !== 0) throw new Error('loading the demo data failed (see the seed lines above)');
}

function printSummary(temporal: { address: string; uiUrl?: string }, databaseUrl: string, childEnv: NodeJS.ProcessEnv): void {
  const config = temporalConnectionConfig();
  const lines = [
    '',
    'The shop is running.',
    '',
    `  Temporal UI      ${temporal.uiUrl ? `${temporal.uiUrl}/namespaces/${config.namespace}/workflows` : '(external server: see your Temporal UI)'}`,
    `  Temporal         ${temporal.address} (namespace ${config.namespace}, task queue ${config.taskQueue})`,
    ...IMPLEMENTED_SERVICES.map((name: ServiceName) => `  ${name.padEnd(16)} ${serviceUrl(name, childEnv)}   (spec: /openapi.json)`),
    `  PostgreSQL       ${redact(databaseUrl)}`,
    `  data             ${process.env.DATABASE_URL ? '' : '.data/postgres, '}${config.embedded ? '.data/temporal.db' : ''}`,
    '',
    '  Try a checkout:  npm run checkout',
    '  A declined card: npm run checkout -- --card 4000000000000002',
    '',
    'Ctrl-C stops everything.',
    '',
  ];
  console.log(lines.join('\n'));
}

async function shutdown(exitCode: number): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  say('stopping...');
  const worker = running.find((part) => part.name === 'worker');
  if (worker) await worker.stop();
  const services = running.filter((part) => (IMPLEMENTED_SERVICES as string[]).includes(part.name));
  await Promise.all(services.map((part) => part.stop()));
  await Promise.all(children.filter(isRunning).map((child) => child.stop()));
  for (const name of ['temporal', 'postgres']) {
    const part = running.find((candidate) => candidate.name === name);
    if (part) await part.stop().catch((error: unknown) => console.error(`stopping ${name}: ${String(error)}`));
  }
  say('stopped');
  process.exit(exitCode);
}

async function main(): Promise<void> {
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));
  mkdirSync(DATA_DIR, { recursive: true });
  setupTemporalBinaries({ quiet: true });

  const databaseUrl = await startPostgres();
  const temporal = await startTemporal();
  const childEnv: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporal.address };
  delete childEnv.PORT;
  await startServices(childEnv);
  await startWorker(childEnv);
  await loadDemoData(childEnv);
  printSummary(temporal, databaseUrl, childEnv);
}

main().catch(async (error: unknown) => {
  console.error(`\nnpm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await shutdown(1);
});
