import { Migration } from '@mikro-orm/migrations';

/**
 * The provider is now a real outside party: it keeps the card and decides
 * what charging it does, and every request to it is recorded before it is
 * made (see ChargeAttempt in entities.ts).
 */
export class Migration20261201000000_provider_attempts extends Migration {
  override async up(): Promise<void> {
    // The fake provider's shortcut: what a card does is the provider's business.
    this.addSql('alter table payment_methods drop column provider_behaviour');
    this.addSql(`
      create table charge_attempts (
        id varchar(64) primary key,
        reference varchar(128) not null,
        number int not null,
        provider_key varchar(255) not null,
        customer_id varchar(128) not null,
        payment_method_id varchar(64) not null,
        amount int not null,
        currency varchar(3) not null,
        description varchar(500) null,
        request_scope varchar(200) null,
        request_key varchar(255) null,
        status text check (status in ('pending', 'succeeded', 'declined', 'failed', 'refused')) not null,
        last_error varchar(500) null,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`);
    this.addSql('alter table charge_attempts add constraint charge_attempts_provider_key_unique unique (provider_key)');
    this.addSql('alter table charge_attempts add constraint charge_attempts_reference_number_unique unique (reference, number)');
    this.addSql("create unique index charge_attempts_one_pending_per_reference on charge_attempts (reference) where status = 'pending'");
    this.addSql("create index charge_attempts_pending_index on charge_attempts (created_at) where status = 'pending'");
    this.addSql(`
      create table refund_attempts (
        id varchar(64) primary key,
        charge_id varchar(64) not null,
        number int not null,
        provider_key varchar(255) not null,
        amount int not null,
        currency varchar(3) not null,
        reason varchar(500) null,
        request_scope varchar(200) null,
        request_key varchar(255) null,
        status text check (status in ('pending', 'succeeded', 'failed', 'refused')) not null,
        last_error varchar(500) null,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`);
    this.addSql('alter table refund_attempts add constraint refund_attempts_provider_key_unique unique (provider_key)');
    this.addSql('alter table refund_attempts add constraint refund_attempts_charge_id_number_unique unique (charge_id, number)');
    this.addSql("create index refund_attempts_pending_index on refund_attempts (created_at) where status = 'pending'");
  }
}
