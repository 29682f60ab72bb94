import { Migration } from '@mikro-orm/migrations';

export class Migration20261125000000_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table stock_items (
        sku varchar(64) primary key,
        on_hand int not null,
        reserved int not null default 0,
        updated_at timestamptz not null,
        -- The last line of defence against overselling, whatever the code does.
        constraint stock_items_reserved_within_on_hand check (reserved >= 0 and reserved <= on_hand)
      )`);
    this.addSql(`
      create table reservations (
        id varchar(128) primary key,
        status text check (status in ('active', 'committed', 'released')) not null,
        lines jsonb not null,
        expires_at timestamptz not null,
        release_reason text check (release_reason in ('requested', 'expired', 'never-reserved')) null,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`);
    this.addSql('create index reservations_status_expires_at_index on reservations (status, expires_at)');
  }
}
