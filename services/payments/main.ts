// First: tracing (when configured) must patch http, express and pg before they load.
import '../../platform/telemetry/preload';
import { z } from 'zod';
import { startIdempotencyPurge } from '../../platform/idempotency';
import { startPeriodicJob } from '../../platform/periodic-job';
import { runServiceMain, type ServiceDefinition } from '../../platform/service-main';
import { createPaymentsApp } from './app';
import { reconcilePendingAttempts } from './attempts';
import { paymentsEntities } from './entities';
import { paymentsMigrations } from './migrations';
import { createPaymentProvider, providerConfigFromEnv } from './provider';

/**
 * How often charges and refunds left pending (by a crash, a lost answer) are
 * settled by asking the provider, and how old one must be first: a younger one
 * is most likely still being answered. PAYMENTS_RECONCILE_INTERVAL_MS and
 * PAYMENTS_RECONCILE_AFTER_MS change them.
 */
export const RECONCILE_INTERVAL_MS = 30_000;
export const RECONCILE_AFTER_MS = 60_000;

function milliseconds(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const parsed = z.coerce.number().int().min(0).max(86_400_000).safeParse(env[name] || fallback);
  if (!parsed.success) throw new Error(`payments: ${name} must be a whole number of milliseconds (0 to 86400000)`);
  return parsed.data;
}

export const paymentsService: ServiceDefinition = {
  name: 'payments',
  database: { entities: paymentsEntities, migrations: paymentsMigrations },
  createApp: (context) => createPaymentsApp(context),
  startBackgroundJobs: ({ orm, logger, env }) => {
    const provider = createPaymentProvider(providerConfigFromEnv(env));
    const olderThanMs = milliseconds(env, 'PAYMENTS_RECONCILE_AFTER_MS', RECONCILE_AFTER_MS);
    return [
      // Idempotency records are kept for IDEMPOTENCY_RETENTION_MS, then purged.
      startIdempotencyPurge(orm, logger),
      startPeriodicJob({
        name: 'reconcile pending payments',
        intervalMs: Math.max(milliseconds(env, 'PAYMENTS_RECONCILE_INTERVAL_MS', RECONCILE_INTERVAL_MS), 100),
        logger,
        work: async () => {
          const settled = await reconcilePendingAttempts(orm, provider, { olderThanMs });
          if (settled > 0) logger.info({ settled }, 'settled payments left pending, with the provider');
        },
      }),
    ];
  },
};

if (require.main === module) runServiceMain(paymentsService);
