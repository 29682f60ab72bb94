import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { createServiceApp } from '../../platform/http/app';
import type { ServiceContext } from '../../platform/service-main';
import { inventoryRoutes } from './routes';

export const inventorySpec: unknown = parse(readFileSync(path.resolve(__dirname, '../../openapi/inventory.yaml'), 'utf8'));

export function createInventoryApp({ orm, logger, auth }: ServiceContext) {
  return createServiceApp({ name: 'inventory', orm, logger, auth, spec: inventorySpec, routes: inventoryRoutes(orm) });
}
