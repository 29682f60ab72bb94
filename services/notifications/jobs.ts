import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { startPeriodicJob } from '../../platform/periodic-job';
import type { BackgroundJob } from '../../platform/service-main';
import type { Logger } from '../../platform/logger';
import type { DeliveryReporter } from './alerts';
import { retryDueDeliveries, type Senders } from './domain';

const BATCH_SIZE = 20;
/** Enough to drain a backlog after an outage quickly, few enough that stopping never waits long. */
const MAX_BATCHES_PER_RUN = 10;

/**
 * Retries deliveries that failed (or whose attempt never finished), channel by
 * channel, for as long as it takes; safe with several instances.
 */
export function startDeliveryRetrier(
  orm: MikroORM,
  senders: Senders,
  logger: Logger,
  report: DeliveryReporter,
  intervalMs = Number(process.env.NOTIFICATION_RETRY_INTERVAL_MS || 15_000),
): BackgroundJob {
  return startPeriodicJob({
    name: 'retrying notifications',
    intervalMs,
    logger,
    work: async () => {
      for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
        const attempted = await retryDueDeliveries(orm.em.fork() as EntityManager, senders, BATCH_SIZE);
        for (const delivery of attempted) report(delivery, 'retry');
        if (attempted.length < BATCH_SIZE) return;
      }
    },
  });
}
