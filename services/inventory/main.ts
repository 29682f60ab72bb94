// First: tracing (when configured) must patch http, express and pg before they load.
import '../../platform/telemetry/preload';
import { startIdempotencyPurge } from '../../platform/idempotency';
import { runServiceMain, type ServiceDefinition } from '../../platform/service-main';
import { createInventoryApp } from './app';
import { inventoryEntities } from './entities';
import { startExpiredReservationSweeper } from './jobs';
import { inventoryMigrations } from './migrations';

export const inventoryService: ServiceDefinition = {
  name: 'inventory',
  database: { entities: inventoryEntities, migrations: inventoryMigrations },
  createApp: createInventoryApp,
  startBackgroundJobs: ({ orm, logger }) => [startExpiredReservationSweeper(orm, logger), startIdempotencyPurge(orm, logger)],
};

if (require.main === module) runServiceMain(inventoryService);
