import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { startPeriodicJob } from '../../platform/periodic-job';
import type { BackgroundJob } from '../../platform/service-main';
import type { Logger } from '../../platform/logger';
import { retryDueDeliveries, type Senders } from './domain';

/** Retries deliveries that failed (or whose first attempt never finished), channel by channel; safe with several instances. */
export function startDeliveryRetrier(
  orm: MikroORM,
  senders: Senders,
  logger: Logger,
  intervalMs = Number(process.env.NOTIFICATION_RETRY_INTERVAL_MS || 15_000),
): BackgroundJob {
  return startPeriodicJob({
    name: 'retrying notifications',
    intervalMs,
    logger,
    work: async () => {
      const attempted = await retryDueDeliveries(orm.em.fork() as EntityManager, senders);
      const failed = attempted.filter((delivery) => delivery.status !== 'sent');
      if (attempted.length > 0) {
        logger.info({ sent: attempted.length - failed.length, failed: failed.map((d) => ({ id: d.id, channel: d.channel })) }, 'retried deliveries');
      }
    },
  });
}
