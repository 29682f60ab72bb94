import { Migration } from '@mikro-orm/migrations';

export class Migration20261128100000_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table carts (
        customer_id varchar(128) primary key,
        status text check (status in ('open', 'checking_out')) not null,
        checkout_id varchar(128) null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        -- Locked exactly when a checkout is named.
        constraint carts_lock_check check ((status = 'checking_out') = (checkout_id is not null))
      )`);
    this.addSql(`
      create table cart_items (
        id uuid primary key,
        customer_id varchar(128) not null,
        sku varchar(64) not null,
        quantity int not null,
        name varchar(200) not null,
        unit_price int not null,
        currency varchar(3) not null,
        added_at timestamptz not null,
        updated_at timestamptz not null,
        constraint cart_items_quantity_check check (quantity >= 1 and quantity <= 99),
        constraint cart_items_unit_price_check check (unit_price > 0),
        -- One line per SKU, whatever the code does; it also serves lookups by customer.
        constraint cart_items_customer_id_sku_unique unique (customer_id, sku),
        constraint cart_items_customer_id_foreign foreign key (customer_id) references carts (customer_id) on update cascade on delete cascade
      )`);
    this.addSql(`
      create table cart_checkouts (
        checkout_id varchar(128) primary key,
        customer_id varchar(128) not null,
        status text check (status in ('locked', 'released', 'completed')) not null,
        snapshot jsonb null,
        locked_at timestamptz null,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`);
    this.addSql('create index cart_checkouts_customer_id_index on cart_checkouts (customer_id)');
  }
}
