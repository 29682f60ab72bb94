import type { MigrationEntry } from '../../../platform/db';
import { Migration20261127100000_initial } from './Migration20261127100000_initial';
import { Migration20261203000000_encrypted_signing_keys } from './Migration20261203000000_encrypted_signing_keys';

export const usersMigrations: MigrationEntry[] = [
  { name: 'Migration20261127100000_initial', class: Migration20261127100000_initial },
  { name: 'Migration20261203000000_encrypted_signing_keys', class: Migration20261203000000_encrypted_signing_keys },
];
