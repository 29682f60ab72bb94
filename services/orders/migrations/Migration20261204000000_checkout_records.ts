import { Migration } from '@mikro-orm/migrations';

/** Checkout records: the key that named each checkout and how it ended, kept past Temporal's retention. */
export class Migration20261204000000_checkout_records extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table checkout_records (
        id varchar(128) primary key,
        customer_id varchar(128) not null,
        idempotency_key varchar(255) null,
        request_fingerprint varchar(64) null,
        status text check (status in ('started', 'ordered', 'failed')) not null,
        order_id uuid null,
        total_amount bigint null,
        total_currency varchar(3) null,
        failure jsonb null,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`);
    this.addSql('create index checkout_records_customer_id_created_at_index on checkout_records (customer_id, created_at)');
  }
}
