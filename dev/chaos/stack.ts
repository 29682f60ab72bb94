/**
 * The shop as `npm start` runs it (the parts of processParts, each its own
 * process, on an embedded PostgreSQL and a Temporal dev server with its
 * SQLite file), but on ports and data of its own, and driven by the chaos
 * run instead of the supervisor: the run kills parts on its own schedule and
 * restarts them when it decides. (The supervisor would count the kills as a
 * crash loop, and treats the end of Temporal as the end of everything.)
 *
 * A part that ends without being killed crashed on its own: that is noted
 * with its last lines, and it is restarted as the supervisor would.
 * Each part's output goes to <out>/logs/<part>.log.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../embedded-postgres';
import { describeExit, formatLogLine, startProcess, tsxCommand, waitForHttp, type ManagedProcess } from '../processes';
import { PROJECT_ROOT, temporalCliPath } from '../temporal-binaries';
import { startTemporalDevServer, type TemporalDevServer, type TemporalDevServerOptions } from '../temporal-dev-server';
import { childEnvironment, planStart, portClaims, postmasterPid, processParts, type ProcessPart, type StartPlan } from '../start';
import { setupTemporalBinaries } from '../setup-temporal';
import { getFreePort } from '../processes';

type Env = NodeJS.ProcessEnv;

export const TEMPORAL = 'temporal';
const RESTART_AFTER_CRASH_MS = 1_000;
const RETRY_START_MS = 2_000;
const STOP_GRACE_MS = 5_000;

export interface Crash {
  part: string;
  /** Seconds since the run started. */
  at: number;
  how: string;
  lastLines: string;
}

interface Member {
  part: ProcessPart;
  process?: ManagedProcess;
  state: 'starting' | 'up' | 'down';
  /** Set while the run kills it, so that its end is not taken for a crash. */
  killing: boolean;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Every port `npm start` listens on, moved to a free one, and nothing of the caller's servers. */
async function chaosEnvironment(): Promise<Env> {
  const env: Env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name === 'DATABASE_URL' || name.endsWith('_DATABASE_URL') || name === 'TEMPORAL_ADDRESS' || name === 'PORT') delete env[name];
  }
  for (const claim of portClaims(planStart(env))) {
    // "USERS_PORT", "TEMPORAL_DEV_SERVER_PORT (or ...)": the variable is the first word.
    const variable = claim.envVar?.split(' ')[0];
    if (variable) env[variable] = String(await getFreePort());
  }
  return {
    ...env,
    // Its own secret: nothing from .data/ is shared with a developer's `npm start`.
    SERVICE_CLIENT_SECRET: `chaos-${randomUUID()}`,
    // The shoppers all come from one address and check out again and again.
    GATEWAY_LOGIN_PER_MINUTE: '100000',
    GATEWAY_SIGNUP_PER_MINUTE: '100000',
    GATEWAY_CHECKOUT_PER_MINUTE: '100000',
    GATEWAY_REQUESTS_PER_MINUTE: '1000000',
  };
}

export class ChaosStack {
  readonly kills = new Map<string, number>();
  readonly crashes: Crash[] = [];
  readonly freezes: { at: number; ms: number }[] = [];
  private readonly members = new Map<string, Member>();
  private readonly logs = new Map<string, WriteStream>();
  private readonly began = Date.now();
  private postgres?: EmbeddedPostgresHandle;
  private temporal?: TemporalDevServer;
  private temporalState: 'up' | 'down' = 'down';
  private temporalKilling = false;
  private frozenGroup?: number;
  private stopping = false;
  private childEnv: Env = {};

  private constructor(
    readonly plan: StartPlan,
    private readonly env: Env,
    private readonly outDir: string,
    private readonly say: (message: string) => void,
  ) {
    // A frozen PostgreSQL must never outlive the run, whatever ends it.
    process.on('exit', () => this.thaw());
  }

  static async start(outDir: string, say: (message: string) => void): Promise<ChaosStack> {
    mkdirSync(path.join(outDir, 'logs'), { recursive: true });
    const env = await chaosEnvironment();
    const stack = new ChaosStack(planStart(env), env, outDir, say);
    try {
      await stack.startAll();
    } catch (error) {
      await stack.stop();
      throw error;
    }
    return stack;
  }

  /** Seconds since the stack started, for the record. */
  elapsed(): number {
    return Math.round((Date.now() - this.began) / 100) / 10;
  }

  /** The server's `postgres` database; each service's is beside it. */
  get adminDatabaseUrl(): string {
    return this.postgres!.adminUrl;
  }

  get temporalAddress(): string {
    return `127.0.0.1:${this.plan.devServer.port}`;
  }

  get gatewayUrl(): string {
    return `http://127.0.0.1:${this.plan.gatewayPort}`;
  }

  /** A service's or simulator's own URL (not through the gateway). */
  partUrl(name: string): string {
    const part = [...this.plan.services, ...this.plan.simulators].find((candidate) => candidate.name === name);
    if (!part) throw new Error(`no part ${name}`);
    return part.url;
  }

  /** The parts that can be killed now: those that are up. */
  killable(): string[] {
    return [...this.members.values()].filter((member) => member.state === 'up').map((member) => member.part.name);
  }

  get partNames(): string[] {
    return [...this.members.keys()];
  }

  get temporalUp(): boolean {
    return this.temporalState === 'up';
  }

  get postgresFrozen(): boolean {
    return this.frozenGroup !== undefined;
  }

  private log(name: string): WriteStream {
    let stream = this.logs.get(name);
    if (!stream) {
      stream = createWriteStream(path.join(this.outDir, 'logs', `${name}.log`), { flags: 'a' });
      this.logs.set(name, stream);
    }
    return stream;
  }

  private async startAll(): Promise<void> {
    setupTemporalBinaries({ quiet: true });
    const started = Date.now();
    this.say(`starting PostgreSQL and Temporal (data in ${path.relative(PROJECT_ROOT, this.outDir)})`);
    const [postgres] = await Promise.all([
      startEmbeddedPostgres({ dataDir: path.join(this.outDir, 'postgres'), port: this.plan.postgres.port, persistent: false, onLog: (line) => this.log('postgres').write(`${line}\n`) }),
      this.startTemporal(),
    ]);
    this.postgres = postgres;
    this.childEnv = childEnvironment(this.plan, postgres.adminUrl, this.temporalAddress, this.env);
    // The demo data is the run's own business (it makes its own products and shoppers).
    const parts = processParts(this.plan).filter((part) => part.kind === 'supervised');
    for (const part of parts) this.members.set(part.name, { part, state: 'down', killing: false });
    for (const stage of ['services', 'edge'] as const) {
      const names = parts.filter((part) => part.stage === stage).map((part) => part.name);
      this.say(`starting ${names.join(', ')}`);
      await Promise.all(names.map((name) => this.launch(name)));
    }
    this.say(`the shop is up in ${Math.round((Date.now() - started) / 1000)} s`);
  }

  private temporalOptions(): TemporalDevServerOptions {
    const cliPath = temporalCliPath();
    if (!cliPath) throw new Error('no Temporal CLI: run `npm run setup` (needs python3), or set TEMPORAL_CLI_PATH');
    return {
      cliPath,
      dbFile: path.join(this.outDir, 'temporal.db'),
      port: this.plan.devServer.port,
      uiPort: false,
      namespace: this.plan.temporal.namespace,
      logLevel: 'warn',
      onLog: (line) => this.log(TEMPORAL).write(`${line}\n`),
    };
  }

  private async startTemporal(): Promise<void> {
    const server = await startTemporalDevServer(this.temporalOptions());
    this.temporal = server;
    this.temporalState = 'up';
    void server.exited.then((exit) => {
      if (this.stopping || this.temporalKilling || this.temporal !== server) return;
      this.temporalState = 'down';
      this.crashes.push({ part: TEMPORAL, at: this.elapsed(), how: describeExit(exit), lastLines: server.recentOutput() });
      this.say(`Temporal ${describeExit(exit)}, not by the run: restarting it`);
      void server.stop().then(() => this.bringBackTemporal());
    });
  }

  private async bringBackTemporal(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.startTemporal();
        return;
      } catch (error) {
        this.crashes.push({ part: TEMPORAL, at: this.elapsed(), how: `did not come back: ${errorText(error)}`, lastLines: '' });
        await sleep(RETRY_START_MS);
      }
    }
  }

  /** Starts one instance of the part and waits until it is ready; retried until it is (or the run stops). */
  private async launch(name: string): Promise<void> {
    const member = this.members.get(name)!;
    const { part } = member;
    member.state = 'starting';
    const log = this.log(name);
    while (!this.stopping) {
      const { command, args } = tsxCommand(path.join(PROJECT_ROOT, part.entry));
      const instance = startProcess({
        name,
        command,
        args,
        env: { ...this.childEnv, ...part.env },
        cwd: PROJECT_ROOT,
        format: formatLogLine,
        onLine: (line) => log.write(`${line}\n`),
      });
      member.process = instance;
      member.killing = false;
      log.write(`---- chaos: started pid ${instance.pid} at ${this.elapsed()} s ----\n`);
      void instance.exited.then((exit) => this.ended(member, instance, exit));
      try {
        await waitForHttp(part.readyUrl!, { timeoutMs: part.readyTimeoutMs ?? 90_000, what: part.title, process: instance });
        if (member.process === instance && !instance.hasExited()) member.state = 'up';
        return;
      } catch (error) {
        // Killed while starting, or it could not start: the first is the run's doing, the second a crash (noted in ended()).
        if (member.process !== instance || this.stopping) return;
        await instance.stop({ signal: 'SIGKILL', graceMs: 0 });
        if (!member.killing) this.crashes.push({ part: name, at: this.elapsed(), how: `did not become ready: ${errorText(error)}`, lastLines: '' });
        await sleep(RETRY_START_MS);
      }
    }
  }

  private ended(member: Member, instance: ManagedProcess, exit: Awaited<ManagedProcess['exited']>): void {
    const log = this.log(member.part.name);
    log.write(`---- chaos: pid ${instance.pid} ${describeExit(exit)} at ${this.elapsed()} s ----\n`);
    // Killed by the run (kill() took it down), or still starting (launch() retries it).
    if (this.stopping || member.process !== instance || member.killing || member.state !== 'up') return;
    member.state = 'down';
    this.crashes.push({ part: member.part.name, at: this.elapsed(), how: describeExit(exit), lastLines: instance.recentOutput() });
    this.say(`${member.part.title} (pid ${instance.pid}) ${describeExit(exit)}, not by the run: restarting it`);
    setTimeout(() => void this.launch(member.part.name), RESTART_AFTER_CRASH_MS);
  }

  private count(name: string): void {
    this.kills.set(name, (this.kills.get(name) ?? 0) + 1);
  }

  /** SIGKILL to the part's process group; it is started again after `restartAfterMs` (and the caller need not wait for that). */
  async kill(name: string, restartAfterMs: number): Promise<{ pid?: number; back: Promise<void> }> {
    const member = this.members.get(name);
    if (!member?.process || member.state !== 'up') throw new Error(`${name} is not up`);
    const instance = member.process;
    member.killing = true;
    member.state = 'down';
    await instance.stop({ signal: 'SIGKILL', graceMs: 0 });
    this.count(name);
    const back = sleep(restartAfterMs).then(() => (this.stopping ? undefined : this.launch(name)));
    return { pid: instance.pid, back };
  }

  /** SIGKILL to the Temporal dev server; it comes back on the same SQLite file after `downMs`. */
  async killTemporal(downMs: number): Promise<void> {
    const server = this.temporal;
    if (!server || this.temporalState !== 'up') throw new Error('Temporal is not up');
    this.temporalKilling = true;
    this.temporalState = 'down';
    try {
      if (server.pid) process.kill(server.pid, 'SIGKILL');
      await server.exited;
      await server.stop();
      this.count(TEMPORAL);
      await sleep(downMs);
      await this.bringBackTemporal();
    } finally {
      this.temporalKilling = false;
    }
  }

  /**
   * SIGSTOP to every PostgreSQL process (the server and its backends share a
   * process group), SIGCONT after `ms`: connections hang, nothing is lost.
   */
  async freezePostgres(ms: number): Promise<void> {
    const group = postmasterPid(this.postgres!.dataDir);
    if (!group) throw new Error('no postmaster.pid');
    process.kill(-group, 'SIGSTOP');
    this.frozenGroup = group;
    this.freezes.push({ at: this.elapsed(), ms });
    try {
      await sleep(ms);
    } finally {
      this.thaw();
    }
  }

  private thaw(): void {
    if (this.frozenGroup === undefined) return;
    try {
      process.kill(-this.frozenGroup, 'SIGCONT');
    } catch {
      // Already gone.
    }
    this.frozenGroup = undefined;
  }

  /** Waits until every part and Temporal are up (after the faults), or fails naming what is not. */
  async waitUntilAllUp(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const down = [...this.members.values()].filter((member) => member.state !== 'up').map((member) => member.part.name);
      if (this.temporalState !== 'up') down.push(TEMPORAL);
      if (down.length === 0) return;
      if (Date.now() > deadline) throw new Error(`not back within ${Math.round(timeoutMs / 1000)} s: ${down.join(', ')}`);
      await sleep(250);
    }
  }

  /** The edge first, then the services, then Temporal and PostgreSQL. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.thaw();
    const stopStage = (stage: ProcessPart['stage']) =>
      Promise.all(
        [...this.members.values()].flatMap((member) => (member.part.stage === stage && member.process ? [member.process.stop({ graceMs: STOP_GRACE_MS })] : [])),
      );
    await stopStage('edge');
    await stopStage('services');
    await Promise.all([this.temporal?.stop(), this.postgres?.stop()]);
    await Promise.all([...this.logs.values()].map((stream) => new Promise((resolve) => stream.end(resolve))));
  }
}
