import { Migration } from '@mikro-orm/migrations';

/** The relay claims outbox events with a lease (marked by its claim id) instead of holding their row locks across HTTP calls. */
export class Migration20261201000000_outbox_claims extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table order_events add column claim_id uuid null');
  }
}
