import type { MigrationEntry } from '../../../platform/db';
import { Migration20261128000000_initial } from './Migration20261128000000_initial';

export const catalogMigrations: MigrationEntry[] = [{ name: 'Migration20261128000000_initial', class: Migration20261128000000_initial }];
