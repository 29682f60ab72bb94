/**
 * Each service's committed migrations must build exactly the schema its
 * entities describe: after migrating a fresh database, MikroORM's schema
 * diff must be empty.
 */
import type { ServiceDefinition } from '../../platform/service-main';
import { prepareServiceDatabase } from '../../platform/db';
import { createTestDatabase } from '../support/database';
import { inventoryService } from '../../services/inventory/main';
import { paymentsService } from '../../services/payments/main';
import { ordersService } from '../../services/orders/main';
import { notificationsService } from '../../services/notifications/main';

const services: ServiceDefinition[] = [inventoryService, paymentsService, ordersService, notificationsService];

it.each(services.map((service) => [service.name, service] as const))('%s: migrations match the entities', async (_name, service) => {
  const orm = await prepareServiceDatabase(await createTestDatabase(`schema_${service.name}`), service.database);
  try {
    const diff = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false, safe: false, dropTables: false });
    expect(diff.trim()).toBe('');
  } finally {
    await orm.close();
  }
});
