import { createServiceApp } from '../../platform/http/app';
import type { ServiceContext } from '../../platform/service-main';
import { catalogRoutes } from './routes';
import { loadSpec } from '../../platform/openapi';

export const catalogSpec: unknown = loadSpec('catalog.yaml');

export function createCatalogApp({ orm, logger, auth }: ServiceContext) {
  return createServiceApp({ name: 'catalog', orm, logger, auth, spec: catalogSpec, routes: catalogRoutes(orm) });
}
