import type { MigrationEntry } from '../../../platform/db';
import { Migration20261127000000_initial } from './Migration20261127000000_initial';
import { Migration20261201000000_provider_attempts } from './Migration20261201000000_provider_attempts';

export const paymentsMigrations: MigrationEntry[] = [
  { name: 'Migration20261127000000_initial', class: Migration20261127000000_initial },
  { name: 'Migration20261201000000_provider_attempts', class: Migration20261201000000_provider_attempts },
];
