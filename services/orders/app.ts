import { createServiceApp } from '../../platform/http/app';
import type { ServiceContext } from '../../platform/service-main';
import { ordersRoutes } from './routes';
import { loadSpec } from '../../platform/openapi';

export const ordersSpec: unknown = loadSpec('orders.yaml');

export function createOrdersApp({ orm, logger, auth }: ServiceContext) {
  return createServiceApp({ name: 'orders', orm, logger, auth, spec: ordersSpec, routes: ordersRoutes(orm) });
}
