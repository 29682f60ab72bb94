import { Migration } from '@mikro-orm/migrations';

/**
 * The local SMTP sink left the service for the mail server simulator
 * (simulators/mail-server), which keeps received mail in its own database;
 * the service's copy of the mailbox goes with it.
 */
export class Migration20261205000000_mail_server_apart extends Migration {
  override async up(): Promise<void> {
    this.addSql('drop table if exists mailbox_messages');
  }
}
