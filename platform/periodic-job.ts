import type { Logger } from './logger';
import type { BackgroundJob } from './service-main';

/**
 * Runs `work` every `intervalMs`, one run at a time; a failed run is logged
 * and tried again next time. Stopping waits for the run in progress. Jobs
 * must be safe with several service instances running them at once.
 */
export function startPeriodicJob(options: { name: string; intervalMs: number; logger: Logger; work: () => Promise<void> }): BackgroundJob {
  let running: Promise<void> = Promise.resolve();
  const runOnce = async () => {
    try {
      await options.work();
    } catch (error) {
      options.logger.warn({ err: error }, `${options.name} failed; will try again`);
    }
  };
  const timer = setInterval(() => {
    running = running.then(runOnce);
  }, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
