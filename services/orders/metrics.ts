/**
 * The outbox's state for Prometheus (platform/metrics.ts): order events not
 * yet handed to the notifications service, how old the oldest is, and how many
 * of them have failed at least once. Read from the database when Prometheus
 * scrapes, so every instance reports the same, right after any restart.
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { gaugesReadAtScrape } from '../../platform/metrics';

export const OUTBOX_METRICS = {
  pending: 'orders_outbox_pending_events',
  oldestAge: 'orders_outbox_oldest_pending_age_seconds',
  failing: 'orders_outbox_failing_events',
} as const;

export function reportOutbox(orm: MikroORM): () => void {
  return gaugesReadAtScrape(
    [
      { name: OUTBOX_METRICS.pending, help: 'Order events not yet handed to the notifications service (the outbox backlog)' },
      { name: OUTBOX_METRICS.oldestAge, help: 'How long the oldest order event not yet handed over has waited, in seconds (0 when none waits)' },
      { name: OUTBOX_METRICS.failing, help: 'Order events not yet handed over whose last hand-over failed (they are retried with backoff)' },
    ],
    async () => {
      const [row] = await (orm.em.fork({ disableContextResolution: true }) as EntityManager).execute<{ pending: string; oldest: string | null; failing: string }[]>(
        `select count(*) as pending,
                extract(epoch from now() - min(occurred_at)) as oldest,
                count(*) filter (where last_error is not null) as failing
         from order_events where delivered_at is null`,
      );
      return {
        [OUTBOX_METRICS.pending]: [{ value: Number(row?.pending ?? 0) }],
        [OUTBOX_METRICS.oldestAge]: [{ value: Math.max(0, Number(row?.oldest ?? 0)) }],
        [OUTBOX_METRICS.failing]: [{ value: Number(row?.failing ?? 0) }],
      };
    },
  );
}
