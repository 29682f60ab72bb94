import { createServiceApp } from '../../platform/http/app';
import type { ServiceContext } from '../../platform/service-main';
import { inventoryRoutes } from './routes';
import { loadSpec } from '../../platform/openapi';

export const inventorySpec: unknown = loadSpec('inventory.yaml');

export function createInventoryApp({ orm, logger, auth }: ServiceContext) {
  return createServiceApp({ name: 'inventory', orm, logger, auth, spec: inventorySpec, routes: inventoryRoutes(orm) });
}
