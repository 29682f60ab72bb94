import type { MigrationEntry } from '../../../platform/db';
import { Migration20261126000000_initial } from './Migration20261126000000_initial';
import { Migration20261127000000_channels } from './Migration20261127000000_channels';

export const notificationsMigrations: MigrationEntry[] = [
  { name: 'Migration20261126000000_initial', class: Migration20261126000000_initial },
  { name: 'Migration20261127000000_channels', class: Migration20261127000000_channels },
];
