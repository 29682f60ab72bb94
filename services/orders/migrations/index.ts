import type { MigrationEntry } from '../../../platform/db';
import { Migration20261126000000_initial } from './Migration20261126000000_initial';
import { Migration20261126100000_order_events } from './Migration20261126100000_order_events';
import { Migration20261201000000_outbox_claims } from './Migration20261201000000_outbox_claims';
import { Migration20261204000000_checkout_records } from './Migration20261204000000_checkout_records';

export const ordersMigrations: MigrationEntry[] = [
  { name: 'Migration20261126000000_initial', class: Migration20261126000000_initial },
  { name: 'Migration20261126100000_order_events', class: Migration20261126100000_order_events },
  { name: 'Migration20261201000000_outbox_claims', class: Migration20261201000000_outbox_claims },
  { name: 'Migration20261204000000_checkout_records', class: Migration20261204000000_checkout_records },
];
