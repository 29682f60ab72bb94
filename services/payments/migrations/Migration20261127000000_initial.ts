import { Migration } from '@mikro-orm/migrations';

export class Migration20261127000000_initial extends Migration {
  override async up(): Promise<void> {
    // No column for a card number or CVC, by design: they are never stored.
    this.addSql(`
      create table payment_methods (
        id varchar(64) primary key,
        customer_id varchar(128) null,
        provider_token varchar(64) not null,
        provider_behaviour text check (provider_behaviour in ('succeed', 'generic_decline', 'insufficient_funds', 'processing_error')) not null,
        brand text check (brand in ('visa', 'mastercard', 'amex', 'unknown')) not null,
        last4 varchar(4) not null,
        exp_month int not null,
        exp_year int not null,
        created_at timestamptz not null
      )`);
    this.addSql(`
      create table charges (
        id varchar(64) primary key,
        reference varchar(128) not null,
        customer_id varchar(128) not null,
        amount int not null,
        currency varchar(3) not null,
        amount_refunded int not null default 0,
        status text check (status in ('succeeded', 'failed', 'partially_refunded', 'refunded')) not null,
        failure_code varchar(64) null,
        payment_method_id varchar(64) not null,
        card_brand text check (card_brand in ('visa', 'mastercard', 'amex', 'unknown')) not null,
        card_last4 varchar(4) not null,
        description varchar(500) null,
        provider_charge_id varchar(64) null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        -- The last line of defence against refunding more than was charged, whatever the code does.
        constraint charges_amount_refunded_within_amount check (amount_refunded >= 0 and amount_refunded <= amount)
      )`);
    this.addSql('create index charges_reference_index on charges (reference)');
    this.addSql('create index charges_customer_id_created_at_index on charges (customer_id, created_at)');
    this.addSql(`
      create table refunds (
        id varchar(64) primary key,
        charge_id varchar(64) not null,
        amount int not null,
        currency varchar(3) not null,
        reason varchar(500) null,
        status text check (status in ('succeeded')) not null,
        provider_refund_id varchar(64) not null,
        created_at timestamptz not null
      )`);
    this.addSql('create index refunds_charge_id_index on refunds (charge_id)');
    this.addSql(`
      create table payment_references (
        reference varchar(128) primary key,
        status text check (status in ('open', 'charged', 'voided')) not null,
        charge_id varchar(64) null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        constraint payment_references_charge_when_charged check ((status = 'charged') = (charge_id is not null))
      )`);
  }
}
