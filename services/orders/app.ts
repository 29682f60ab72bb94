import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import { parse } from 'yaml';
import { createServiceApp } from '../../platform/http/app';
import type { Logger } from '../../platform/logger';
import { ordersRoutes } from './routes';

export const ordersSpec: unknown = parse(readFileSync(path.resolve(__dirname, '../../openapi/orders.yaml'), 'utf8'));

export function createOrdersApp(orm: MikroORM, logger: Logger) {
  return createServiceApp({ name: 'orders', orm, logger, spec: ordersSpec, routes: ordersRoutes(orm) });
}
