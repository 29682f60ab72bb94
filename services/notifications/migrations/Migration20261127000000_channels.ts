import { Migration } from '@mikro-orm/migrations';

/**
 * Deliveries per channel (e-mail, and SMS when the customer has a phone), the
 * order status templates, and the local mailbox (the SMTP sink's mail, the
 * local SMS provider's messages). Existing notifications keep their state as
 * their e-mail delivery, so a retry that was due still happens.
 */
export class Migration20261127000000_channels extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table notification_deliveries (
        id uuid primary key,
        notification_id uuid not null references notifications (id) on update cascade on delete cascade,
        channel text check (channel in ('email', 'sms')) not null,
        recipient varchar(254) not null,
        status text check (status in ('pending', 'sent', 'failed')) not null,
        attempts int not null default 0,
        last_error text null,
        next_attempt_at timestamptz null,
        provider_message_id varchar(998) null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        sent_at timestamptz null,
        -- Each channel is delivered once per event, whatever the code does.
        constraint notification_deliveries_notification_id_channel_unique unique (notification_id, channel)
      )`);
    this.addSql('alter table notification_deliveries rename constraint notification_deliveries_notification_id_fkey to notification_deliveries_notification_id_foreign');
    // The retry job's queue: only deliveries still waiting to go out.
    this.addSql("create index notification_deliveries_next_attempt_at_index on notification_deliveries (next_attempt_at) where status <> 'sent'");
    this.addSql(`
      insert into notification_deliveries
        (id, notification_id, channel, recipient, status, attempts, last_error, next_attempt_at, created_at, updated_at, sent_at)
      select gen_random_uuid(), id, channel, recipient, status, attempts, last_error, next_attempt_at, created_at, updated_at, sent_at
      from notifications`);

    this.addSql('drop index notifications_next_attempt_at_index');
    this.addSql(`
      alter table notifications
        drop column channel, drop column status, drop column attempts, drop column last_error,
        drop column next_attempt_at, drop column updated_at, drop column sent_at`);
    this.addSql('alter table notifications rename column recipient to email');
    this.addSql('alter table notifications add column phone varchar(16) null, add column sms_text text null');
    this.addSql('alter table notifications drop constraint notifications_template_check');
    this.addSql(
      "alter table notifications add constraint notifications_template_check check (template in ('order_confirmed', 'checkout_failed', 'order_shipped', 'order_delivered', 'order_cancelled'))",
    );

    this.addSql(`
      create table mailbox_messages (
        id uuid primary key,
        recipient varchar(254) not null,
        sender text not null,
        subject text not null,
        text text not null,
        html text null,
        message_id text null,
        received_at timestamptz not null
      )`);
    this.addSql('create index mailbox_messages_recipient_received_at_index on mailbox_messages (recipient, received_at)');
    this.addSql(`
      create table sms_messages (
        id uuid primary key,
        recipient varchar(16) not null,
        text text not null,
        reference varchar(200) not null,
        received_at timestamptz not null
      )`);
    this.addSql('create index sms_messages_recipient_received_at_index on sms_messages (recipient, received_at)');
  }
}
