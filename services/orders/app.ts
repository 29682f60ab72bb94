import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { createServiceApp } from '../../platform/http/app';
import type { ServiceContext } from '../../platform/service-main';
import { ordersRoutes } from './routes';

export const ordersSpec: unknown = parse(readFileSync(path.resolve(__dirname, '../../openapi/orders.yaml'), 'utf8'));

export function createOrdersApp({ orm, logger, auth }: ServiceContext) {
  return createServiceApp({ name: 'orders', orm, logger, auth, spec: ordersSpec, routes: ordersRoutes(orm) });
}
