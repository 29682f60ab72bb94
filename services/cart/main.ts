// First: tracing (when configured) must patch http, express and pg before they load.
import '../../platform/telemetry/preload';
import { runServiceMain, type ServiceDefinition } from '../../platform/service-main';
import { createCartApp } from './app';
import { cartEntities } from './entities';
import { cartMigrations } from './migrations';

export const cartService: ServiceDefinition = {
  name: 'cart',
  database: { entities: cartEntities, migrations: cartMigrations },
  // Prices come from the catalog service (CATALOG_URL), with this service's own token.
  createApp: createCartApp,
};

if (require.main === module) runServiceMain(cartService);
