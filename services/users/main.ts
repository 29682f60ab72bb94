// First: tracing (when configured) must patch http, express and pg before they load.
import '../../platform/telemetry/preload';
import { startIdempotencyPurge } from '../../platform/idempotency';
import { runServiceMain, type ServiceDefinition } from '../../platform/service-main';
import { createUsersApp } from './app';
import { usersEntities } from './entities';
import { usersMigrations } from './migrations';

export const usersService: ServiceDefinition = {
  name: 'users',
  database: { entities: usersEntities, migrations: usersMigrations },
  createApp: createUsersApp,
  // Idempotency records are kept for IDEMPOTENCY_RETENTION_MS, then purged.
  startBackgroundJobs: ({ orm, logger }) => [startIdempotencyPurge(orm, logger)],
};

if (require.main === module) runServiceMain(usersService);
