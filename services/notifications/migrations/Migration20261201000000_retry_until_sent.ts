import { Migration } from '@mikro-orm/migrations';

/**
 * Deliveries are retried until they go out, never given up on: what the old
 * attempt limit abandoned (failed, with no next attempt) is due again at once.
 * Each delivery also records when its last attempt ended and since when it has
 * been failing (for the abandoned ones, at best their creation: the first
 * attempt is made then).
 */
export class Migration20261201000000_retry_until_sent extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table notification_deliveries add column last_attempt_at timestamptz null, add column first_failed_at timestamptz null');
    this.addSql("update notification_deliveries set last_attempt_at = updated_at, first_failed_at = created_at where status = 'failed'");
    this.addSql("update notification_deliveries set last_attempt_at = sent_at where status = 'sent'");
    this.addSql("update notification_deliveries set next_attempt_at = now() where status <> 'sent' and next_attempt_at is null");
    this.addSql("create index notification_deliveries_first_failed_at_index on notification_deliveries (first_failed_at) where status <> 'sent'");
  }
}
