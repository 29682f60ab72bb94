import { Migration } from '@mikro-orm/migrations';

export class Migration20261201000000_initial extends Migration {
  override async up(): Promise<void> {
    // No column for a card number or CVC: the behaviour of a test card is all the simulation needs.
    this.addSql(`
      create table payment_methods (
        id varchar(64) primary key,
        brand text check (brand in ('visa', 'mastercard', 'amex', 'discover', 'unknown')) not null,
        last4 varchar(4) not null,
        exp_month int not null,
        exp_year int not null,
        behaviour text check (behaviour in ('succeed', 'generic_decline', 'insufficient_funds', 'processing_error')) not null,
        metadata jsonb not null,
        created_at timestamptz not null
      )`);
    this.addSql(`
      create table charges (
        id varchar(64) primary key,
        amount int not null,
        currency varchar(3) not null,
        amount_refunded int not null default 0,
        status text check (status in ('succeeded', 'failed')) not null,
        payment_method_id varchar(64) not null,
        description varchar(1000) null,
        metadata jsonb not null,
        failure_code text check (failure_code in ('card_declined', 'processing_error')) null,
        outcome_reason text check (outcome_reason in ('generic_decline', 'insufficient_funds', 'processing_error')) null,
        created_at timestamptz not null,
        constraint charges_amount_refunded_within_amount check (amount_refunded >= 0 and amount_refunded <= amount)
      )`);
    this.addSql('create index charges_created_at_index on charges (created_at)');
    this.addSql(`
      create table refunds (
        id varchar(64) primary key,
        charge_id varchar(64) not null,
        amount int not null,
        currency varchar(3) not null,
        metadata jsonb not null,
        created_at timestamptz not null
      )`);
    this.addSql('create index refunds_charge_id_created_at_index on refunds (charge_id, created_at)');
  }
}
