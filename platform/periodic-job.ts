import type { Logger } from './logger';
import type { BackgroundJob } from './service-main';

export interface PeriodicJobOptions {
  name: string;
  /** The pause between the end of one run and the start of the next. */
  intervalMs: number;
  logger: Logger;
  work: () => Promise<void>;
}

/**
 * Runs `work` again and again, `intervalMs` after the previous run finished:
 * one run at a time per process, and a run slower than the interval delays the
 * next instead of queueing more behind it (a timer that fires on schedule would
 * pile runs up while the database or a service is slow). A failed run is logged
 * and tried again next time. Stopping waits for the run in progress and starts
 * no other. Jobs must be safe with several service instances running them at once.
 */
export function startPeriodicJob(options: PeriodicJobOptions): BackgroundJob & { name: string } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const runOnce = async () => {
    try {
      await options.work();
    } catch (error) {
      options.logger.warn({ err: error, job: options.name }, `${options.name} failed; will try again`);
    }
  };
  const scheduleNext = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      running = runOnce().finally(() => {
        running = undefined;
        scheduleNext();
      });
    }, options.intervalMs);
    // A job alone never keeps the process alive.
    timer.unref();
  };
  scheduleNext();

  return {
    name: options.name,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
