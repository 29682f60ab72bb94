import type { MigrationEntry } from '../../../platform/db';
import { Migration20261126000000_initial } from './Migration20261126000000_initial';
import { Migration20261127000000_channels } from './Migration20261127000000_channels';
import { Migration20261201000000_retry_until_sent } from './Migration20261201000000_retry_until_sent';
import { Migration20261205000000_mail_server_apart } from './Migration20261205000000_mail_server_apart';

export const notificationsMigrations: MigrationEntry[] = [
  { name: 'Migration20261126000000_initial', class: Migration20261126000000_initial },
  { name: 'Migration20261127000000_channels', class: Migration20261127000000_channels },
  { name: 'Migration20261201000000_retry_until_sent', class: Migration20261201000000_retry_until_sent },
  { name: 'Migration20261205000000_mail_server_apart', class: Migration20261205000000_mail_server_apart },
];
