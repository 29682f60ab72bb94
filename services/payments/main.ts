import { runServiceMain, type ServiceDefinition } from '../../platform/service-main';
import { createPaymentsApp } from './app';
import { paymentsEntities } from './entities';
import { paymentsMigrations } from './migrations';

export const paymentsService: ServiceDefinition = {
  name: 'payments',
  database: { entities: paymentsEntities, migrations: paymentsMigrations },
  createApp: (context) => createPaymentsApp(context),
};

if (require.main === module) runServiceMain(paymentsService);
