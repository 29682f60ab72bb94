import type { MigrationEntry } from '../../../platform/db';
import { Migration20261125000000_initial } from './Migration20261125000000_initial';

export const inventoryMigrations: MigrationEntry[] = [
  { name: 'Migration20261125000000_initial', class: Migration20261125000000_initial },
];
