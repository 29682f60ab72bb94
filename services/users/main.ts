import { runServiceMain, type ServiceDefinition } from '../../platform/service-main';
import { createUsersApp } from './app';
import { usersEntities } from './entities';
import { usersMigrations } from './migrations';

export const usersService: ServiceDefinition = {
  name: 'users',
  database: { entities: usersEntities, migrations: usersMigrations },
  createApp: createUsersApp,
};

if (require.main === module) runServiceMain(usersService);
