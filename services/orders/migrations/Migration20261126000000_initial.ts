import { Migration } from '@mikro-orm/migrations';

export class Migration20261126000000_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table orders (
        id uuid primary key,
        checkout_id varchar(128) not null,
        customer_id varchar(128) not null,
        customer_email varchar(254) not null,
        currency varchar(3) not null,
        lines jsonb not null,
        total bigint not null check (total >= 0),
        shipping_address jsonb not null,
        charge_id varchar(128) not null,
        status text check (status in ('placed', 'paid', 'shipped', 'delivered', 'cancelled')) not null,
        status_history jsonb not null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        -- One order per checkout, whatever the code does.
        constraint orders_checkout_id_unique unique (checkout_id)
      )`);
    this.addSql('create index orders_customer_id_created_at_index on orders (customer_id, created_at)');
    this.addSql('create index orders_status_created_at_index on orders (status, created_at)');
    this.addSql(`
      create table order_cancellation_tombstones (
        order_id uuid primary key,
        reason varchar(500) not null,
        created_at timestamptz not null
      )`);
  }
}
