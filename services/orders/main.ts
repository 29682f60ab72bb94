import { runServiceMain, type ServiceDefinition } from '../../platform/service-main';
import { createOrdersApp } from './app';
import { ordersEntities } from './entities';
import { ordersMigrations } from './migrations';

export const ordersService: ServiceDefinition = {
  name: 'orders',
  database: { entities: ordersEntities, migrations: ordersMigrations },
  createApp: createOrdersApp,
};

if (require.main === module) runServiceMain(ordersService);
