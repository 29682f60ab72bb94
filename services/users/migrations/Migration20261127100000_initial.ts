import { Migration } from '@mikro-orm/migrations';

export class Migration20261127100000_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table users (
        id uuid primary key,
        email varchar(254) not null,
        password_hash varchar(255) not null,
        name varchar(200) not null,
        phone varchar(16) null,
        addresses jsonb not null,
        roles jsonb not null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        -- Uniqueness is case-insensitive only because every address is stored normalised.
        constraint users_email_check check (email = lower(btrim(email))),
        constraint users_email_unique unique (email)
      )`);
    this.addSql('create index users_created_at_index on users (created_at)');
    this.addSql(`
      create table refresh_tokens (
        id uuid primary key,
        token_hash varchar(64) not null,
        user_id uuid not null,
        family_id uuid not null,
        expires_at timestamptz not null,
        revoked_at timestamptz null,
        created_at timestamptz not null,
        constraint refresh_tokens_token_hash_unique unique (token_hash)
      )`);
    this.addSql('create index refresh_tokens_family_id_index on refresh_tokens (family_id)');
    this.addSql('create index refresh_tokens_user_id_index on refresh_tokens (user_id)');
    this.addSql(`
      create table signing_keys (
        kid varchar(64) primary key,
        private_jwk jsonb not null,
        public_jwk jsonb not null,
        created_at timestamptz not null
      )`);
  }
}
