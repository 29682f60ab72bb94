import type { MigrationEntry } from '../../../platform/db';
import { Migration20261127100000_initial } from './Migration20261127100000_initial';

export const usersMigrations: MigrationEntry[] = [{ name: 'Migration20261127100000_initial', class: Migration20261127100000_initial }];
