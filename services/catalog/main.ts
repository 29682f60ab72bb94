// First: tracing (when configured) must patch http, express and pg before they load.
import '../../platform/telemetry/preload';
import { startIdempotencyPurge } from '../../platform/idempotency';
import { runServiceMain, type ServiceDefinition } from '../../platform/service-main';
import { createCatalogApp } from './app';
import { catalogEntities } from './entities';
import { catalogMigrations } from './migrations';

export const catalogService: ServiceDefinition = {
  name: 'catalog',
  database: { entities: catalogEntities, migrations: catalogMigrations },
  createApp: createCatalogApp,
  // Idempotency records are kept for IDEMPOTENCY_RETENTION_MS, then purged.
  startBackgroundJobs: ({ orm, logger }) => [startIdempotencyPurge(orm, logger)],
};

if (require.main === module) runServiceMain(catalogService);
