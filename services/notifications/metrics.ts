/**
 * Deliveries that are failing, for Prometheus (platform/metrics.ts): per
 * channel, how many are waiting for a retry after a failed attempt, the
 * attempts they have taken so far, and how long the longest has been failing
 * (the customer has not been told). Read from the database when Prometheus
 * scrapes, so every instance reports the same, right after any restart.
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { gaugesReadAtScrape, type GaugeSamples } from '../../platform/metrics';
import { CHANNELS } from './entities';

export const DELIVERY_METRICS = {
  failing: 'notifications_failing_deliveries',
  attempts: 'notifications_failing_delivery_attempts',
  longestFailing: 'notifications_longest_failing_delivery_seconds',
} as const;

export function reportFailingDeliveries(orm: MikroORM): () => void {
  return gaugesReadAtScrape(
    [
      { name: DELIVERY_METRICS.failing, help: 'Deliveries whose last attempt failed, waiting for a retry, by channel', labelNames: ['channel'] },
      { name: DELIVERY_METRICS.attempts, help: 'Attempts taken so far by the deliveries that are failing, by channel', labelNames: ['channel'] },
      { name: DELIVERY_METRICS.longestFailing, help: 'How long the longest failing delivery has been failing, in seconds, by channel (0 when none is)', labelNames: ['channel'] },
    ],
    async () => {
      const rows = await (orm.em.fork({ disableContextResolution: true }) as EntityManager).execute<{ channel: string; failing: string; attempts: string | null; longest: string | null }[]>(
        `select channel, count(*) as failing, sum(attempts) as attempts, extract(epoch from now() - min(first_failed_at)) as longest
         from notification_deliveries where status = 'failed' group by channel`,
      );
      const samples: GaugeSamples = { [DELIVERY_METRICS.failing]: [], [DELIVERY_METRICS.attempts]: [], [DELIVERY_METRICS.longestFailing]: [] };
      for (const channel of CHANNELS) {
        const row = rows.find((candidate) => candidate.channel === channel);
        samples[DELIVERY_METRICS.failing]!.push({ labels: { channel }, value: Number(row?.failing ?? 0) });
        samples[DELIVERY_METRICS.attempts]!.push({ labels: { channel }, value: Number(row?.attempts ?? 0) });
        samples[DELIVERY_METRICS.longestFailing]!.push({ labels: { channel }, value: Math.max(0, Number(row?.longest ?? 0)) });
      }
      return samples;
    },
  );
}
