import { startIdempotencyPurge } from '../../platform/idempotency';
import { runServiceMain, type ServiceDefinition } from '../../platform/service-main';
import { createPaymentsApp } from './app';
import { paymentsEntities } from './entities';
import { paymentsMigrations } from './migrations';

export const paymentsService: ServiceDefinition = {
  name: 'payments',
  database: { entities: paymentsEntities, migrations: paymentsMigrations },
  createApp: (context) => createPaymentsApp(context),
  // Idempotency records are kept for IDEMPOTENCY_RETENTION_MS, then purged.
  startBackgroundJobs: ({ orm, logger }) => [startIdempotencyPurge(orm, logger)],
};

if (require.main === module) runServiceMain(paymentsService);
