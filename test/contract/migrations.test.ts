/**
 * Each service's committed migrations must build exactly the schema its
 * entities describe: after migrating a fresh database, MikroORM's schema
 * diff must be empty.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ServiceDefinition } from '../../platform/service-main';
import { prepareServiceDatabase } from '../../platform/db';
import { SERVICE_NAMES } from '../../platform/services';
import { mailServerDatabase } from '../../simulators/mail-server/main';
import { paymentProviderDatabase } from '../../simulators/payment-provider/main';
import { createTestDatabase } from '../support/database';

// Every service that exists (services/<name>/main.ts exporting `<name>Service`), so a new one is covered without editing this list.
const services: ServiceDefinition[] = SERVICE_NAMES.filter((name) => existsSync(path.resolve(__dirname, `../../services/${name}/main.ts`))).map(
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (name) => (require(`../../services/${name}/main`) as Record<string, ServiceDefinition>)[`${name}Service`]!,
);

// The simulators of outside parties keep their own databases the same way.
const simulators = [
  { name: 'payment-provider', database: paymentProviderDatabase },
  { name: 'mail-server', database: mailServerDatabase },
];

it.each([...services, ...simulators].map((service) => [service.name, service] as const))('%s: migrations match the entities', async (_name, service) => {
  const orm = await prepareServiceDatabase(await createTestDatabase(`schema_${service.name}`), service.database);
  try {
    const diff = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false, safe: false, dropTables: false });
    expect(diff.trim()).toBe('');
  } finally {
    await orm.close();
  }
});
