import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import { parse } from 'yaml';
import { createServiceApp } from '../../platform/http/app';
import type { Logger } from '../../platform/logger';
import { inventoryRoutes } from './routes';

export const inventorySpec: unknown = parse(readFileSync(path.resolve(__dirname, '../../openapi/inventory.yaml'), 'utf8'));

export function createInventoryApp(orm: MikroORM, logger: Logger) {
  return createServiceApp({ name: 'inventory', orm, logger, spec: inventorySpec, routes: inventoryRoutes(orm) });
}
