import { Migration } from '@mikro-orm/migrations';

export class Migration20261126000000_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table notifications (
        id uuid primary key,
        event_id varchar(200) not null,
        customer_id varchar(128) not null,
        channel text check (channel in ('email')) not null,
        recipient varchar(254) not null,
        template text check (template in ('order_confirmed', 'checkout_failed')) not null,
        data jsonb not null,
        subject text not null,
        body text not null,
        html text not null,
        status text check (status in ('pending', 'sent', 'failed')) not null,
        attempts int not null default 0,
        last_error text null,
        next_attempt_at timestamptz null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        sent_at timestamptz null,
        -- Each message is sent once per event, whatever the code does.
        constraint notifications_event_id_unique unique (event_id)
      )`);
    this.addSql('create index notifications_customer_id_created_at_index on notifications (customer_id, created_at)');
    // The retry job's queue: only notifications still waiting to go out.
    this.addSql("create index notifications_next_attempt_at_index on notifications (next_attempt_at) where status <> 'sent'");
  }
}
