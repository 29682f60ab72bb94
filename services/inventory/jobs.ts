import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { BackgroundJob } from '../../platform/service-main';
import type { Logger } from '../../platform/logger';
import { releaseExpiredReservations } from './domain';

export function startExpiredReservationSweeper(orm: MikroORM, logger: Logger, intervalMs = Number(process.env.RESERVATION_SWEEP_INTERVAL_MS || 30_000)): BackgroundJob {
  let running: Promise<void> = Promise.resolve();
  const sweep = async () => {
    try {
      const released = await orm.em.fork().transactional((tx) => releaseExpiredReservations(tx as EntityManager));
      if (released.length > 0) logger.info({ released }, 'released expired reservations');
    } catch (error) {
      logger.warn({ err: error }, 'sweeping expired reservations failed; will try again');
    }
  };
  const timer = setInterval(() => {
    running = running.then(sweep);
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
