import { Migration } from '@mikro-orm/migrations';

export class Migration20261205000000_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table messages (
        id uuid primary key,
        recipient varchar(254) not null,
        sender text not null,
        subject text not null,
        text text not null,
        html text null,
        message_id text null,
        received_at timestamptz not null
      )`);
    this.addSql('create index messages_recipient_received_at_index on messages (recipient, received_at)');
  }
}
