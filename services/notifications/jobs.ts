import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { startPeriodicJob } from '../../platform/periodic-job';
import type { BackgroundJob } from '../../platform/service-main';
import type { Logger } from '../../platform/logger';
import { retryDueNotifications } from './domain';
import type { Mailer } from './mailer';

/** Retries notifications whose delivery failed (or whose first attempt never finished); safe with several instances. */
export function startDeliveryRetrier(
  orm: MikroORM,
  mailer: Mailer,
  logger: Logger,
  intervalMs = Number(process.env.NOTIFICATION_RETRY_INTERVAL_MS || 15_000),
): BackgroundJob {
  return startPeriodicJob({
    name: 'retrying notifications',
    intervalMs,
    logger,
    work: async () => {
      const attempted = await retryDueNotifications(orm.em.fork() as EntityManager, mailer);
      const failed = attempted.filter((notification) => notification.status !== 'sent');
      if (attempted.length > 0) logger.info({ sent: attempted.length - failed.length, failed: failed.map((n) => n.id) }, 'retried notifications');
    },
  });
}
