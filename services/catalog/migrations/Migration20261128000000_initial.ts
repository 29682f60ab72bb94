import { Migration } from '@mikro-orm/migrations';

export class Migration20261128000000_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table products (
        sku varchar(64) primary key,
        name varchar(200) not null,
        description varchar(5000) not null,
        price_amount int not null,
        price_currency varchar(3) not null,
        images jsonb not null,
        category varchar(64) not null,
        active boolean not null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        -- Maintained by PostgreSQL on every write: a name match weighs more (A) than a description match (B).
        search_vector tsvector generated always as (
          setweight(to_tsvector('english', name), 'A') || setweight(to_tsvector('english', description), 'B')
        ) stored,
        constraint products_price_amount_check check (price_amount > 0 and price_amount <= 100000000)
      )`);
    this.addSql('create index products_search_vector_index on products using gin (search_vector)');
    this.addSql('create index products_sku_prefix_index on products (lower(sku) text_pattern_ops)');
    this.addSql('create index products_active_created_at_index on products (active, created_at)');
    this.addSql('create index products_category_active_index on products (category, active)');
  }
}
