import type { MigrationEntry } from '../../../platform/db';
import { Migration20261205000000_initial } from './Migration20261205000000_initial';

export const mailServerMigrations: MigrationEntry[] = [{ name: 'Migration20261205000000_initial', class: Migration20261205000000_initial }];
