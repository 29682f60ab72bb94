import type { MigrationEntry } from '../../../platform/db';
import { Migration20261128100000_initial } from './Migration20261128100000_initial';

export const cartMigrations: MigrationEntry[] = [{ name: 'Migration20261128100000_initial', class: Migration20261128100000_initial }];
