import type { MigrationEntry } from '../../../platform/db';
import { Migration20261126000000_initial } from './Migration20261126000000_initial';
import { Migration20261126100000_order_events } from './Migration20261126100000_order_events';

export const ordersMigrations: MigrationEntry[] = [
  { name: 'Migration20261126000000_initial', class: Migration20261126000000_initial },
  { name: 'Migration20261126100000_order_events', class: Migration20261126100000_order_events },
];
