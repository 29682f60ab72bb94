import type { MigrationEntry } from '../../../platform/db';
import { Migration20261201000000_initial } from './Migration20261201000000_initial';

export const paymentProviderMigrations: MigrationEntry[] = [{ name: 'Migration20261201000000_initial', class: Migration20261201000000_initial }];
