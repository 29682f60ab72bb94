import type { MigrationEntry } from '../../../platform/db';
import { Migration20261127000000_initial } from './Migration20261127000000_initial';

export const paymentsMigrations: MigrationEntry[] = [{ name: 'Migration20261127000000_initial', class: Migration20261127000000_initial }];
