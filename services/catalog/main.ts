import { runServiceMain, type ServiceDefinition } from '../../platform/service-main';
import { createCatalogApp } from './app';
import { catalogEntities } from './entities';
import { catalogMigrations } from './migrations';

export const catalogService: ServiceDefinition = {
  name: 'catalog',
  database: { entities: catalogEntities, migrations: catalogMigrations },
  createApp: createCatalogApp,
};

if (require.main === module) runServiceMain(catalogService);
