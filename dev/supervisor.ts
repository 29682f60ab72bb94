/**
 * The supervisor behind `npm start`: it keeps the parts of the shop running
 * the way the microservice design promises, so one part's crash never takes
 * the others down.
 *
 *  - A supervised part (a service, the gateway, the worker) that ends on its
 *    own is restarted after a pause that doubles with each of its recent
 *    crashes, and the supervisor says so loudly: which part, how it ended,
 *    its last lines, when the next try is. The other parts keep running.
 *  - A part that keeps crashing (`maxCrashes` within `windowMs`) is in a crash
 *    loop: restarting it again would only hide the problem, so everything stops.
 *  - A foundation (PostgreSQL, Temporal) that ends stops everything: every
 *    other part stands on it.
 *  - A task (the demo data) runs once, and must succeed.
 *  - A part's first start is not retried: a part that cannot start at all
 *    is broken, not unlucky, and the caller stops with its message.
 *  - Parts are started a stage at a time and stopped in the reverse order,
 *    the parts of one stage together, each with its own grace time.
 *
 * Development tooling: in production, Kubernetes or compose restart processes.
 * (Erlang/OTP's restart intensity and Kubernetes' CrashLoopBackOff are the models.)
 */
import { describeExit, waitForHttp, type ExitInfo } from './processes';

export type PartKind = 'foundation' | 'supervised' | 'task';

/** One running instance of a part. */
export interface PartProcess {
  pid?: number;
  exited: Promise<ExitInfo>;
  /** Its last lines, indented, for messages. */
  recentOutput(lines?: number): string;
  /** SIGTERM (or the part's own polite stop), then a kill after `graceMs`. */
  stop(options: { graceMs: number }): Promise<unknown>;
}

export interface Part {
  name: string;
  kind: PartKind;
  /** Starts one instance. A foundation resolves once it is ready; the others are then polled at `readyUrl`. */
  start(): PartProcess | Promise<PartProcess>;
  /** Answers 200 once the part is ready. */
  readyUrl?: string;
  readyTimeoutMs?: number;
  /** How long it may take to stop before it is killed. */
  stopGraceMs: number;
  /** How messages name it ("PostgreSQL", "the inventory service"); its name otherwise. */
  title?: string;
}

export interface RestartPolicy {
  /** The pause before the first restart; it doubles with each crash within the window. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** This many crashes of one part within `windowMs` is a crash loop. */
  maxCrashes: number;
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { firstDelayMs: 1_000, maxDelayMs: 30_000, maxCrashes: 5, windowMs: 180_000 };

export interface SupervisorEvent {
  /** crashed: it will be restarted; restarted: it is back and ready; gave-up: everything stops. */
  type: 'crashed' | 'restarted' | 'gave-up';
  part: string;
  pid?: number;
  /** For people: what happened, and what happens next. */
  message: string;
}

export interface SupervisorOptions {
  policy?: RestartPolicy;
  onEvent(event: SupervisorEvent): void;
}

const LAST_LINES = 20;
const DEFAULT_READY_TIMEOUT_MS = 90_000;

export function duration(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  const rest = Math.round((ms % 60_000) / 1000);
  return `${Math.floor(ms / 60_000)} min${rest ? ` ${rest} s` : ''}`;
}

function clockTime(at: number): string {
  return new Date(at).toTimeString().slice(0, 8);
}

function withLines(lines: string): string {
  return lines ? `\nIts last lines:\n${lines}` : '';
}

function pidText(pid: number | undefined): string {
  return pid ? ` (pid ${pid})` : '';
}

/** How an instance ended, for messages. */
interface Crash {
  pid?: number;
  how: string;
  lines: string;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class Supervisor {
  private readonly stages: SupervisedPart[][] = [];
  private stopping?: Promise<void>;
  private reportFailure!: (event: SupervisorEvent) => void;
  /** Resolves when the supervisor gives up (a crash loop, or a foundation ended); it is then stopping everything. */
  readonly failed: Promise<SupervisorEvent>;
  readonly policy: RestartPolicy;

  constructor(private readonly options: SupervisorOptions) {
    this.policy = options.policy ?? DEFAULT_RESTART_POLICY;
    this.failed = new Promise((resolve) => (this.reportFailure = resolve));
  }

  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  /**
   * Starts the parts of one stage together; resolves once each is ready (and
   * each task has finished). Rejects with the first part that failed to start.
   */
  async startStage(parts: Part[]): Promise<void> {
    if (this.isStopping) throw new Error('the supervisor is stopping');
    const stage = parts.map((part) => new SupervisedPart(part, this));
    this.stages.push(stage);
    await Promise.all(stage.map((member) => member.start()));
  }

  /** The last stage first, the parts of a stage together. Safe to call more than once. */
  stopAll(): Promise<void> {
    this.stopping ??= (async () => {
      for (const stage of [...this.stages].reverse()) await Promise.all(stage.map((member) => member.stop()));
    })();
    return this.stopping;
  }

  /** @internal */
  emit(event: SupervisorEvent): void {
    this.options.onEvent(event);
  }

  /** @internal */
  giveUp(event: SupervisorEvent): void {
    if (this.isStopping) return;
    this.emit(event);
    this.reportFailure(event);
    void this.stopAll();
  }
}

class SupervisedPart {
  private current?: PartProcess;
  private spawning?: Promise<PartProcess>;
  private crashes: number[] = [];
  private restarts = 0;
  private cancelPause?: () => void;

  constructor(
    readonly part: Part,
    private readonly owner: Supervisor,
  ) {}

  private get title(): string {
    return this.part.title ?? this.part.name;
  }

  /** The first start: its failure is the caller's to report (see the header). */
  async start(): Promise<void> {
    const instance = await this.launch();
    if (this.part.kind === 'task') {
      const exit = await instance.exited;
      if (exit.code !== 0 && !this.owner.isStopping) throw new Error(`${this.title} failed: it ${describeExit(exit)}${withLines(instance.recentOutput(LAST_LINES))}`);
      return;
    }
    this.watch(instance).catch((error: unknown) =>
      this.owner.giveUp({ type: 'gave-up', part: this.part.name, message: `supervising ${this.title} failed: ${errorText(error)}; everything stops` }),
    );
  }

  async stop(): Promise<void> {
    this.cancelPause?.();
    await this.spawning?.catch(() => undefined);
    await this.current?.stop({ graceMs: this.part.stopGraceMs });
  }

  /** Starts one instance and waits until it is ready; an instance that is not is stopped. */
  private async launch(): Promise<PartProcess> {
    const spawning = Promise.resolve()
      .then(() => this.part.start())
      .then((instance) => (this.current = instance));
    this.spawning = spawning;
    const instance = await spawning;
    if (this.owner.isStopping) {
      await instance.stop({ graceMs: this.part.stopGraceMs });
      throw new Error(`${this.title} was stopped while starting`);
    }
    if (this.part.readyUrl) {
      try {
        await waitForHttp(this.part.readyUrl, { timeoutMs: this.part.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS, what: this.title, process: instance });
      } catch (error) {
        await instance.stop({ graceMs: this.part.stopGraceMs });
        throw error;
      }
    }
    return instance;
  }

  /** Waits for the instance to end, and restarts it (or gives up) until the supervisor stops. */
  private async watch(instance: PartProcess): Promise<void> {
    let upSince = Date.now();
    for (;;) {
      const exit = await instance.exited;
      if (this.owner.isStopping) return;
      let crash: Crash = {
        pid: instance.pid,
        how: `${describeExit(exit)} after running for ${duration(Date.now() - upSince)}`,
        lines: instance.recentOutput(LAST_LINES),
      };
      if (this.part.kind === 'foundation') {
        this.owner.giveUp({
          type: 'gave-up',
          part: this.part.name,
          pid: crash.pid,
          message: `${this.title}${pidText(crash.pid)} ${crash.how}. It is the foundation every other part stands on, so everything stops.${withLines(crash.lines)}`,
        });
        return;
      }
      for (;;) {
        if (!(await this.afterCrash(crash))) return;
        try {
          const started = Date.now();
          instance = await this.launch();
          this.restarts += 1;
          upSince = Date.now();
          this.owner.emit({
            type: 'restarted',
            part: this.part.name,
            pid: instance.pid,
            message: `${this.title} is back: pid ${instance.pid ?? '?'}, ready in ${duration(upSince - started)} (restart ${this.restarts})`,
          });
          break;
        } catch (error) {
          if (this.owner.isStopping) return;
          // waitForHttp's message has the new instance's last lines.
          crash = { how: `did not come back: ${errorText(error)}`, lines: '' };
        }
      }
    }
  }

  /** Counts the crash; gives up on a crash loop (false), or pauses with backoff before the next try (true unless stopping). */
  private async afterCrash(crash: Crash): Promise<boolean> {
    const { firstDelayMs, maxDelayMs, maxCrashes, windowMs } = this.owner.policy;
    const now = Date.now();
    this.crashes = [...this.crashes.filter((at) => now - at < windowMs), now];
    if (this.crashes.length >= maxCrashes) {
      this.owner.giveUp({
        type: 'gave-up',
        part: this.part.name,
        pid: crash.pid,
        message:
          `${this.title} is in a crash loop: ${this.crashes.length} crashes within ${duration(windowMs)}. ` +
          `Restarting it again would only hide the problem, so everything stops. ` +
          `The last time${pidText(crash.pid)}, it ${crash.how}.${withLines(crash.lines)}`,
      });
      return false;
    }
    const delayMs = Math.min(maxDelayMs, firstDelayMs * 2 ** (this.crashes.length - 1));
    this.owner.emit({
      type: 'crashed',
      part: this.part.name,
      pid: crash.pid,
      message:
        `${this.title}${pidText(crash.pid)} ${crash.how}.${withLines(crash.lines)}\n` +
        `Restarting it in ${duration(delayMs)}, at ${clockTime(now + delayMs)} (crash ${this.crashes.length} within ${duration(windowMs)}; ` +
        `${maxCrashes} would be a crash loop and stop everything). The other parts keep running.`,
    });
    return this.pause(delayMs);
  }

  private pause(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.cancelPause = undefined;
        resolve(!this.owner.isStopping);
      }, ms);
      this.cancelPause = () => {
        clearTimeout(timer);
        resolve(false);
      };
    });
  }
}
