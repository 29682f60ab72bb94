import { Migration } from '@mikro-orm/migrations';

/** The customer's phone for SMS, and the outbox of status changes to notify them of. */
export class Migration20261126100000_order_events extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table orders add column customer_phone varchar(16) null');
    this.addSql(`
      create table order_events (
        id uuid primary key,
        order_id uuid not null,
        type text check (type in ('order_shipped', 'order_delivered', 'order_cancelled')) not null,
        note varchar(500) null,
        occurred_at timestamptz not null,
        attempts int not null default 0,
        next_attempt_at timestamptz not null,
        delivered_at timestamptz null,
        last_error varchar(1000) null,
        -- Each change happens once per order, so it is announced once.
        constraint order_events_order_id_type_unique unique (order_id, type)
      )`);
    this.addSql('create index order_events_delivered_at_next_attempt_at_index on order_events (delivered_at, next_attempt_at)');
  }
}
