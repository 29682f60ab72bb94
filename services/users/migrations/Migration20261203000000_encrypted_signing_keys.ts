import { Migration } from '@mikro-orm/migrations';

/**
 * Private signing keys are stored encrypted (private_key_jwe). The users
 * service encrypts the plaintext ones it finds at start (keys.ts), because
 * the key-encryption key is in its environment, not in SQL; private_jwk is
 * then null, and stays only for rows an older version may still write.
 */
export class Migration20261203000000_encrypted_signing_keys extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table signing_keys add column private_key_jwe text null');
    this.addSql('alter table signing_keys alter column private_jwk drop not null');
  }
}
