import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { startPeriodicJob } from '../../platform/periodic-job';
import type { BackgroundJob } from '../../platform/service-main';
import type { Logger } from '../../platform/logger';
import { releaseExpiredReservations } from './domain';

export function startExpiredReservationSweeper(orm: MikroORM, logger: Logger, intervalMs = Number(process.env.RESERVATION_SWEEP_INTERVAL_MS || 30_000)): BackgroundJob {
  return startPeriodicJob({
    name: 'releasing expired reservations',
    intervalMs,
    logger,
    work: async () => {
      const released = await orm.em.fork().transactional((tx) => releaseExpiredReservations(tx as EntityManager));
      if (released.length > 0) logger.info({ released }, 'released expired reservations');
    },
  });
}
