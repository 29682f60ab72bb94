import type { MigrationEntry } from '../../../platform/db';
import { Migration20261126000000_initial } from './Migration20261126000000_initial';

export const ordersMigrations: MigrationEntry[] = [{ name: 'Migration20261126000000_initial', class: Migration20261126000000_initial }];
