import request from 'supertest';
import type { EntityManager } from '@mikro-orm/postgresql';
import { serviceUnderTest, type ServiceUnderTest } from '../../test/support/service';
import { expectToMatchSpec } from '../../test/support/openapi';
import { paymentsSpec } from './app';
import { paymentsService } from './main';
import { passesLuhn } from '../../platform/cards';
import { hasExpired } from './schemas';
import { asAdmin, asCustomer, asService, asSupport } from '../../test/support/auth';
import { holdTableLock, until, untilWaitingForLock } from '../../test/support/locks';
import { startTestPaymentProvider, type TestPaymentProvider } from '../../test/support/payment-provider';
import { reconcilePendingAttempts } from './attempts';
import { createPaymentProvider, providerConfigFromEnv } from './provider';

const CARDS = {
  visa: '4242424242424242',
  mastercard: '5555555555554444',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  processingError: '4000000000000119',
} as const;

const NEXT_YEAR = new Date().getUTCFullYear() + 1;

let provider: TestPaymentProvider;
let service: ServiceUnderTest;
let counter = 0;
/** Most tests call as the checkout does: as a service. */
let serviceAuth: string;
/** The same service on the same database, but one that gives up on the provider's answer after a moment. */
let impatientApp: ServiceUnderTest['app'];

beforeAll(async () => {
  // The provider for real, over HTTP, as payments reaches it in production.
  provider = await startTestPaymentProvider();
  service = await serviceUnderTest(paymentsService, { env: provider.env });
  impatientApp = paymentsService.createApp({ ...service.context, env: { ...provider.env, PAYMENT_PROVIDER_TIMEOUT_MS: '300' } });
  serviceAuth = await asService('worker');
});
afterAll(async () => {
  await service?.close();
  await provider?.stop();
});

const api = () => request.agent(service.app).set('authorization', serviceAuth);
const as = (auth: string) => request.agent(service.app).set('authorization', auth);
const conforms = <T extends request.Response>(res: T): T => {
  expectToMatchSpec(paymentsSpec, res);
  return res;
};
const unique = (prefix: string) => `${prefix}-${++counter}-${Date.now()}`;
const fieldsOf = (res: request.Response) => (res.body.errors as { field: string }[]).map((error) => error.field);
const sql = <T extends object>(query: string, params: unknown[] = []) => (service.orm.em.fork() as EntityManager).execute<T[]>(query, params);

function card(number: string, overrides: Record<string, unknown> = {}) {
  return { number, expMonth: 12, expYear: NEXT_YEAR, cvc: '123', ...overrides };
}

async function tokenise(number: string, customerId?: string): Promise<string> {
  const res = conforms(await api().post('/payment-methods').send({ card: card(number), ...(customerId ? { customerId } : {}) }).expect(201));
  return res.body.id as string;
}

interface ChargeBody {
  reference: string;
  customerId: string;
  amount: { amount: number; currency: string };
  paymentMethodId: string;
  description?: string;
}

async function chargeBody(number: string = CARDS.visa, overrides: Partial<ChargeBody> = {}): Promise<ChargeBody> {
  return {
    reference: unique('checkout'),
    customerId: 'customer-1',
    amount: { amount: 2500, currency: 'USD' },
    paymentMethodId: overrides.paymentMethodId ?? (await tokenise(number)),
    ...overrides,
  };
}

const postCharge = (body: object, key: string = unique('key')) => api().post('/charges').set('Idempotency-Key', key).send(body);
const postRefund = (body: object, key: string = unique('refund-key')) => api().post('/refunds').set('Idempotency-Key', key).send(body);
const compensate = (reference: string) => api().post(`/references/${reference}/refund`);

async function succeededCharge(amount = 1000): Promise<{ id: string; reference: string }> {
  const body = await chargeBody(CARDS.visa, { amount: { amount, currency: 'EUR' } });
  const res = conforms(await postCharge(body).expect(201));
  return { id: res.body.id as string, reference: body.reference };
}

async function chargesFor(reference: string) {
  return conforms(await api().get('/charges').query({ reference }).expect(200)).body as {
    items: { id: string; status: string; amountRefunded: number }[];
    total: number;
  };
}

/** The refunds the provider made of one of our charges. */
async function providerRefunds(chargeId: string) {
  const [row] = await sql<{ provider_charge_id: string }>('select provider_charge_id from charges where id = ?', [chargeId]);
  const { data } = await provider.client.GET('/v1/refunds', { params: { query: { charge: row!.provider_charge_id, limit: 100 } } });
  return data!.data;
}

async function refundCount(chargeId: string): Promise<number> {
  const [row] = await sql<{ count: string }>('select count(*) from refunds where charge_id = ?', [chargeId]);
  return Number(row?.count);
}

async function duringOutage<T>(work: () => Promise<T>): Promise<T> {
  await provider.setOutage(true);
  try {
    return await work();
  } finally {
    await provider.setOutage(false);
  }
}

/** Whether a response is stored under the key: a claimed key without one replays nothing. */
async function storedResponse(key: string): Promise<boolean> {
  const rows = await sql<{ response_status: number }>('select response_status from idempotency_records where key = ?', [key]);
  return rows.some((row) => row.response_status !== 0);
}

describe('payment methods', () => {
  it.each([
    ['visa', CARDS.visa, 'visa'],
    ['mastercard', CARDS.mastercard, 'mastercard'],
    ['mastercard 2-series', '2223003122003222', 'mastercard'],
    ['amex', '378282246310005', 'amex'],
    ['another network', '6011111111111117', 'unknown'],
  ])('tokenises a %s card', async (_case, number, brand) => {
    const created = conforms(await api().post('/payment-methods').send({ card: card(number, { cvc: '1234' }), customerId: 'customer-9' }).expect(201));
    expect(created.body).toMatchObject({ brand, last4: number.slice(-4), expMonth: 12, expYear: NEXT_YEAR, customerId: 'customer-9' });
    expect(created.body.id).toMatch(/^pm_/);
    expect(created.text).not.toContain(number);
    const read = conforms(await api().get(`/payment-methods/${created.body.id}`).expect(200));
    expect(read.body).toEqual(created.body);
  });

  it('never stores a card number or CVC', async () => {
    const number = '4111111111111111';
    const paymentMethodId = await tokenise(number);
    const body = await chargeBody(number, { paymentMethodId });
    conforms(await postCharge(body).expect(201));
    conforms(await compensate(body.reference).expect(200));

    const tables = await sql<{ table_name: string }>("select table_name from information_schema.tables where table_schema = 'public'");
    expect(tables.map((table) => table.table_name)).toEqual(expect.arrayContaining(['payment_methods', 'charges', 'refunds', 'idempotency_records']));
    for (const { table_name } of tables) {
      const rows = await sql<{ row: string }>(`select t::text as row from "${table_name}" t`);
      for (const { row } of rows) expect(row).not.toContain(number);
    }
    const [stored] = await sql<Record<string, unknown>>('select * from payment_methods where id = ?', [paymentMethodId]);
    expect(Object.keys(stored ?? {}).sort()).toEqual(
      ['brand', 'created_at', 'customer_id', 'exp_month', 'exp_year', 'id', 'last4', 'provider_token'].sort(),
    );
  });

  it.each([
    ['a missing number', { expMonth: 12, expYear: NEXT_YEAR, cvc: '123' }, 'body.card.number'],
    ['a number failing the Luhn check', card('4242424242424241'), 'body.card.number'],
    ['a number too short', card('42424242424'), 'body.card.number'],
    ['a number with spaces', card('4242 4242 4242 4242'), 'body.card.number'],
    ['a number given as a number', card(4242424242424242 as unknown as string), 'body.card.number'],
    ['a month out of range', card(CARDS.visa, { expMonth: 13 }), 'body.card.expMonth'],
    ['a month of the wrong type', card(CARDS.visa, { expMonth: 'twelve' }), 'body.card.expMonth'],
    ['a 2-digit year', card(CARDS.visa, { expYear: 30 }), 'body.card.expYear'],
    ['an expired card', card(CARDS.visa, { expYear: NEXT_YEAR - 2 }), 'body.card.expYear'],
    ['a short CVC', card(CARDS.visa, { cvc: '12' }), 'body.card.cvc'],
    ['an unknown card field', card(CARDS.visa, { name: 'Ada' }), 'body.card.name'],
  ])('refuses %s, naming the field and never echoing the number', async (_case, badCard, field) => {
    const res = conforms(await api().post('/payment-methods').send({ card: badCard }).expect(400));
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.type).toBe('validation-failed');
    expect(fieldsOf(res)).toContain(field);
    expect(res.text).not.toMatch(/4242424242424241|4242 4242/);
  });

  it('knows when a card expires', () => {
    const now = new Date(Date.UTC(2030, 5, 15));
    expect(hasExpired(6, 2030, now)).toBe(false);
    expect(hasExpired(5, 2030, now)).toBe(true);
    expect(hasExpired(1, 2031, now)).toBe(false);
    expect(hasExpired(12, 2029, now)).toBe(true);
    expect(passesLuhn(CARDS.visa)).toBe(true);
    expect(passesLuhn('4242424242424241')).toBe(false);
  });

  it('answers an unknown payment method with 404', async () => {
    const res = conforms(await api().get('/payment-methods/pm_nope').expect(404));
    expect(res.body.type).toBe('not-found');
  });
});

describe('charges', () => {
  it.each([
    ['visa', CARDS.visa, 'visa'],
    ['mastercard', CARDS.mastercard, 'mastercard'],
  ])('charges a good %s card', async (_case, number, brand) => {
    const body = await chargeBody(number, { description: 'Checkout 1' });
    const res = conforms(await postCharge(body).expect(201));
    expect(res.body).toMatchObject({
      reference: body.reference,
      customerId: 'customer-1',
      amount: { amount: 2500, currency: 'USD' },
      amountRefunded: 0,
      status: 'succeeded',
      paymentMethod: { id: body.paymentMethodId, brand, last4: number.slice(-4) },
      description: 'Checkout 1',
    });
    expect(res.body.id).toMatch(/^ch_/);
    expect(res.body.failureCode).toBeUndefined();
    const read = conforms(await api().get(`/charges/${res.body.id}`).expect(200));
    expect(read.body).toEqual(res.body);
    expect((await chargesFor(body.reference)).items).toEqual([res.body]);
  });

  it.each([
    ['declined', CARDS.declined, 'generic_decline'],
    ['insufficient-funds', CARDS.insufficientFunds, 'insufficient_funds'],
  ])('answers a %s card with 402 and keeps the failed charge', async (_case, number, declineCode) => {
    const body = await chargeBody(number);
    const key = unique('decline');
    const res = conforms(await postCharge(body, key).expect(402));
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: 'card-declined', status: 402, declineCode });
    const charge = conforms(await api().get(`/charges/${res.body.chargeId}`).expect(200));
    expect(charge.body).toMatchObject({ status: 'failed', failureCode: declineCode, reference: body.reference });

    const repeat = conforms(await postCharge(body, key).expect(402));
    expect(repeat.headers['idempotent-replayed']).toBe('true');
    expect(repeat.body).toEqual(res.body);
    expect((await chargesFor(body.reference)).total).toBe(1);
  });

  it('answers a repeat of a decline whose key was forgotten with the same decline, without asking the provider again', async () => {
    const body = await chargeBody(CARDS.declined);
    const key = unique('forgotten');
    const first = conforms(await postCharge(body, key).expect(402));
    // The key's record is gone (purged, or lost with a restore): the charge attempt still says who asked.
    await sql('delete from idempotency_records where key = ?', [key]);
    const repeat = conforms(await postCharge(body, key).expect(402));
    expect(repeat.headers['idempotent-replayed']).toBeUndefined();
    expect(repeat.body).toEqual(first.body);
    expect(await provider.chargesFor(body.reference)).toHaveLength(1);
    expect((await chargesFor(body.reference)).total).toBe(1);
  });

  it('records the attempt, its charge and the reference together', async () => {
    const succeeded = await chargeBody();
    const charged = conforms(await postCharge(succeeded).expect(201));
    const declined = await chargeBody(CARDS.declined);
    const refused = conforms(await postCharge(declined).expect(402));
    const state = (reference: string) =>
      sql(
        `select r.status as reference_status, r.charge_id, a.id as attempt_id, a.number, a.provider_key, a.status as attempt_status, c.status as charge_status
         from payment_references r join charge_attempts a using (reference) left join charges c on c.id = a.id where r.reference = ?`,
        [reference],
      );
    expect(await state(succeeded.reference)).toEqual([
      {
        reference_status: 'charged',
        charge_id: charged.body.id,
        attempt_id: charged.body.id,
        number: 1,
        provider_key: `payments:charge:${succeeded.reference}:1`,
        attempt_status: 'succeeded',
        charge_status: 'succeeded',
      },
    ]);
    expect(await state(declined.reference)).toEqual([
      {
        reference_status: 'open',
        charge_id: null,
        attempt_id: refused.body.chargeId,
        number: 1,
        provider_key: `payments:charge:${declined.reference}:1`,
        attempt_status: 'declined',
        charge_status: 'failed',
      },
    ]);
  });

  it('lets a declined checkout pay with another card', async () => {
    const declined = await chargeBody(CARDS.declined);
    conforms(await postCharge(declined).expect(402));
    const retry = { ...declined, paymentMethodId: await tokenise(CARDS.visa) };
    conforms(await postCharge(retry).expect(201));
    expect((await chargesFor(declined.reference)).items.map((charge) => charge.status)).toEqual(['succeeded', 'failed']);
  });

  it('answers a processing error with 503 and stores nothing', async () => {
    const body = await chargeBody(CARDS.processingError);
    const key = unique('processing');
    const res = conforms(await postCharge(body, key).expect(503));
    expect(res.body.type).toBe('provider-unavailable');
    const again = conforms(await postCharge(body, key).expect(503));
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect((await chargesFor(body.reference)).total).toBe(0);
    expect(await storedResponse(key)).toBe(false);
  });

  it('charges once per idempotency key', async () => {
    const body = await chargeBody();
    const key = unique('repeat');
    const first = conforms(await postCharge(body, key).expect(201));
    const repeat = conforms(await postCharge(body, key).expect(201));
    expect(repeat.headers['idempotent-replayed']).toBe('true');
    expect(repeat.body).toEqual(first.body);
    expect((await chargesFor(body.reference)).total).toBe(1);
  });

  it('refuses a reused key with a different request', async () => {
    const body = await chargeBody();
    const key = unique('reused');
    conforms(await postCharge(body, key).expect(201));
    const res = conforms(await postCharge({ ...body, amount: { amount: 9999, currency: 'USD' } }, key).expect(422));
    expect(res.body.type).toBe('idempotency-key-reused');
    expect((await chargesFor(body.reference)).items).toMatchObject([{ status: 'succeeded' }]);
  });

  it('charges once when ten requests race with one key', async () => {
    const body = await chargeBody();
    const key = unique('race');
    const responses = await Promise.all(Array.from({ length: 10 }, () => postCharge(body, key)));
    responses.forEach(conforms);
    expect(responses.map((res) => res.status)).toEqual(Array(10).fill(201));
    expect(new Set(responses.map((res) => res.body.id)).size).toBe(1);
    expect((await chargesFor(body.reference)).total).toBe(1);
    expect(await provider.chargesFor(body.reference)).toHaveLength(1);
  });

  it('refuses a second charge for a charged reference', async () => {
    const body = await chargeBody();
    const first = conforms(await postCharge(body).expect(201));
    const second = conforms(await postCharge(body).expect(409));
    expect(second.body).toMatchObject({ type: 'reference-already-charged', chargeId: first.body.id });
    expect((await chargesFor(body.reference)).total).toBe(1);
  });

  it('charges a reference once when requests with different keys race', async () => {
    const body = await chargeBody();
    const responses = await Promise.all(Array.from({ length: 8 }, () => postCharge(body)));
    responses.forEach(conforms);
    expect(responses.map((res) => res.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    expect((await chargesFor(body.reference)).total).toBe(1);
    expect(await provider.chargesFor(body.reference)).toHaveLength(1);
  });

  it('refuses an unknown payment method with 422, and opens nothing for the reference', async () => {
    const body = await chargeBody(CARDS.visa, { paymentMethodId: 'pm_doesnotexist' });
    const res = conforms(await postCharge(body).expect(422));
    expect(res.body.type).toBe('unknown-payment-method');
    expect(fieldsOf(res)).toEqual(['body.paymentMethodId']);
    expect(await sql('select reference from payment_references where reference = ?', [body.reference])).toEqual([]);
    conforms(await postCharge({ ...body, paymentMethodId: await tokenise(CARDS.visa) }).expect(201));
  });

  it("refuses another customer's payment method, and opens nothing for the reference", async () => {
    const paymentMethodId = await tokenise(CARDS.visa, 'customer-owner');
    const body = await chargeBody(CARDS.visa, { paymentMethodId, customerId: 'customer-other' });
    const res = conforms(await postCharge(body).expect(422));
    expect(res.body.type).toBe('unknown-payment-method');
    expect(await sql('select reference from payment_references where reference = ?', [body.reference])).toEqual([]);
    expect(await sql('select id from charge_attempts where reference = ?', [body.reference])).toEqual([]);
    conforms(await postCharge({ ...body, customerId: 'customer-owner' }).expect(201));
  });

  it('refuses an unknown payment method for a reference that exists, before looking at the reference', async () => {
    const body = await chargeBody();
    conforms(await postCharge(body).expect(201));
    const res = conforms(await postCharge({ ...body, paymentMethodId: 'pm_doesnotexist' }).expect(422));
    expect(res.body.type).toBe('unknown-payment-method');
  });

  it('lists a customer’s charges, newest first, a page at a time', async () => {
    const customerId = unique('lister');
    const paymentMethodId = await tokenise(CARDS.visa);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(conforms(await postCharge(await chargeBody(CARDS.visa, { customerId, paymentMethodId })).expect(201)).body.id);
    const page = conforms(await api().get('/charges').query({ customerId, limit: 2, offset: 1 }).expect(200));
    expect(page.body).toMatchObject({ total: 3, limit: 2, offset: 1 });
    expect(page.body.items.map((charge: { id: string }) => charge.id)).toEqual([ids[1], ids[0]]);
  });

  it('answers an unknown charge with 404', async () => {
    const res = conforms(await api().get('/charges/ch_nope').expect(404));
    expect(res.body.type).toBe('not-found');
  });

  it('stores nothing during a provider outage, then charges with the same key', async () => {
    const body = await chargeBody();
    const key = unique('outage');
    await duringOutage(async () => {
      const res = conforms(await postCharge(body, key).expect(503));
      expect(res.body.type).toBe('provider-unavailable');
      conforms(await api().post('/payment-methods').send({ card: card(CARDS.visa) }).expect(503));
    });
    expect((await chargesFor(body.reference)).total).toBe(0);
    expect(await storedResponse(key)).toBe(false);

    const after = conforms(await postCharge(body, key).expect(201));
    expect(after.headers['idempotent-replayed']).toBeUndefined();
    expect((await chargesFor(body.reference)).items).toMatchObject([{ id: after.body.id, status: 'succeeded' }]);
  });
});

describe('compensation (POST /references/{reference}/refund)', () => {
  it('voids a reference that was never charged, and refuses a late charge', async () => {
    const body = await chargeBody();
    const first = conforms(await compensate(body.reference).expect(200));
    expect(first.body).toEqual({ reference: body.reference, status: 'voided' });
    const again = conforms(await compensate(body.reference).expect(200));
    expect(again.body).toEqual({ reference: body.reference, status: 'voided' });
    const late = conforms(await postCharge(body).expect(409));
    expect(late.body.type).toBe('reference-voided');
    expect((await chargesFor(body.reference)).total).toBe(0);
  });

  it('voids a reference whose only charges were declined', async () => {
    const body = await chargeBody(CARDS.declined);
    conforms(await postCharge(body).expect(402));
    expect(conforms(await compensate(body.reference).expect(200)).body.status).toBe('voided');
    const late = conforms(await postCharge({ ...body, paymentMethodId: await tokenise(CARDS.visa) }).expect(409));
    expect(late.body.type).toBe('reference-voided');
  });

  it('refunds a charge in full, once, however often it is repeated', async () => {
    const charge = await succeededCharge(1500);
    const first = conforms(await compensate(charge.reference).expect(200));
    expect(first.body).toMatchObject({
      reference: charge.reference,
      status: 'refunded',
      refund: { chargeId: charge.id, amount: { amount: 1500, currency: 'EUR' }, status: 'succeeded' },
    });
    const again = conforms(await compensate(charge.reference).expect(200));
    expect(again.body).toEqual({ reference: charge.reference, status: 'nothing_to_refund' });
    expect(conforms(await api().get(`/charges/${charge.id}`).expect(200)).body).toMatchObject({ status: 'refunded', amountRefunded: 1500 });
    expect(await refundCount(charge.id)).toBe(1);
  });

  it('refunds once when compensations race', async () => {
    const charge = await succeededCharge();
    const responses = await Promise.all(Array.from({ length: 10 }, () => compensate(charge.reference)));
    responses.forEach(conforms);
    const statuses = responses.map((res) => res.body.status as string);
    expect(statuses.filter((status) => status === 'refunded')).toHaveLength(1);
    expect(statuses.filter((status) => status === 'nothing_to_refund')).toHaveLength(9);
    expect(await refundCount(charge.id)).toBe(1);
    expect(await providerRefunds(charge.id)).toHaveLength(1);
  });

  it('never leaves money taken when a compensation races its charge', async () => {
    const body = await chargeBody();
    const [charged, compensated] = await Promise.all([postCharge(body), compensate(body.reference)]);
    conforms(charged);
    conforms(compensated);
    if (charged.status === 201) {
      // The charge took the reference first, so the compensation found it and refunded it.
      expect(compensated.body.status).toBe('refunded');
      expect((await chargesFor(body.reference)).items).toMatchObject([{ status: 'refunded' }]);
    } else {
      expect(compensated.body.status).toBe('voided');
      expect(charged.body.type).toBe('reference-voided');
      expect((await chargesFor(body.reference)).total).toBe(0);
    }
  });

  it('refunds only what a partial refund left', async () => {
    const charge = await succeededCharge(1000);
    conforms(await postRefund({ chargeId: charge.id, amount: 400 }).expect(201));
    const res = conforms(await compensate(charge.reference).expect(200));
    expect(res.body).toMatchObject({ status: 'refunded', refund: { amount: { amount: 600 } } });
  });

  it('stores nothing during an outage, then refunds', async () => {
    const charge = await succeededCharge();
    await duringOutage(async () => {
      const res = conforms(await compensate(charge.reference).expect(503));
      expect(res.body.type).toBe('provider-unavailable');
    });
    expect(await refundCount(charge.id)).toBe(0);
    expect(conforms(await compensate(charge.reference).expect(200)).body.status).toBe('refunded');
  });
});

describe('refunds', () => {
  it('refunds whatever remains when no amount is given, and only once', async () => {
    const charge = await succeededCharge(1200);
    const res = conforms(await postRefund({ chargeId: charge.id, reason: 'customer changed their mind' }).expect(201));
    expect(res.body).toMatchObject({ chargeId: charge.id, amount: { amount: 1200, currency: 'EUR' }, reason: 'customer changed their mind', status: 'succeeded' });
    expect(res.body.id).toMatch(/^re_/);
    const again = conforms(await postRefund({ chargeId: charge.id }).expect(409));
    expect(again.body.type).toBe('charge-already-refunded');
  });

  it('refunds in parts up to the charge, and refuses more', async () => {
    const charge = await succeededCharge(1000);
    conforms(await postRefund({ chargeId: charge.id, amount: 300 }).expect(201));
    expect(conforms(await api().get(`/charges/${charge.id}`).expect(200)).body).toMatchObject({ status: 'partially_refunded', amountRefunded: 300 });
    const over = conforms(await postRefund({ chargeId: charge.id, amount: 800 }).expect(409));
    expect(over.body).toMatchObject({ type: 'refund-exceeds-charge', refundable: 700 });
    conforms(await postRefund({ chargeId: charge.id, amount: 700 }).expect(201));
    expect(conforms(await api().get(`/charges/${charge.id}`).expect(200)).body).toMatchObject({ status: 'refunded', amountRefunded: 1000 });
  });

  it('never refunds more than was charged when partial refunds race', async () => {
    const charge = await succeededCharge(1000);
    const responses = await Promise.all(Array.from({ length: 10 }, () => postRefund({ chargeId: charge.id, amount: 150 })));
    responses.forEach(conforms);
    expect(responses.filter((res) => res.status === 201)).toHaveLength(6);
    expect(responses.filter((res) => res.status === 409)).toHaveLength(4);
    expect(conforms(await api().get(`/charges/${charge.id}`).expect(200)).body).toMatchObject({ amountRefunded: 900, status: 'partially_refunded' });
    expect(await refundCount(charge.id)).toBe(6);
  });

  it('refunds once per idempotency key', async () => {
    const charge = await succeededCharge(1000);
    const key = unique('refund-once');
    const first = conforms(await postRefund({ chargeId: charge.id, amount: 100 }, key).expect(201));
    const repeat = conforms(await postRefund({ chargeId: charge.id, amount: 100 }, key).expect(201));
    expect(repeat.headers['idempotent-replayed']).toBe('true');
    expect(repeat.body).toEqual(first.body);
    expect(await refundCount(charge.id)).toBe(1);
  });

  it('refuses to refund a failed charge', async () => {
    const declined = conforms(await postCharge(await chargeBody(CARDS.declined)).expect(402));
    const res = conforms(await postRefund({ chargeId: declined.body.chargeId }).expect(409));
    expect(res.body.type).toBe('charge-not-refundable');
  });

  it('refuses an unknown charge with 422', async () => {
    const res = conforms(await postRefund({ chargeId: 'ch_nope' }).expect(422));
    expect(res.body.type).toBe('unknown-charge');
    expect(fieldsOf(res)).toEqual(['body.chargeId']);
  });
});

describe('the provider, an outside party', () => {
  const impatient = () => request.agent(impatientApp).set('authorization', serviceAuth);

  /** A charge the provider makes while its answer is lost: payments stops waiting before the provider can write it. */
  async function chargeWithLostAnswer(body: ChargeBody, key: string) {
    const lock = await holdTableLock(provider.databaseUrl, 'charges');
    try {
      const lost = impatient().post('/charges').set('Idempotency-Key', key).send(body).then((res) => res);
      // The provider has the request and is at work on it when payments gives up waiting.
      await untilWaitingForLock(provider.databaseUrl, 'charges');
      expect(conforms(await lost)).toMatchObject({ status: 503, body: { type: 'provider-unavailable' } });
    } finally {
      await lock.release();
    }
    // The provider finishes what it was asked; payments does not know it yet.
    await until(async () => (await provider.chargesFor(body.reference)).length === 1);
    expect((await chargesFor(body.reference)).total).toBe(0);
  }

  it('asks again under the same provider key when an answer was lost, so the provider replays its charge', async () => {
    const body = await chargeBody();
    const key = unique('lost');
    await chargeWithLostAnswer(body, key);
    const retried = conforms(await postCharge(body, key).expect(201));
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    const atProvider = await provider.chargesFor(body.reference);
    expect(atProvider).toEqual([expect.objectContaining({ status: 'succeeded', metadata: { shop_reference: body.reference, shop_charge_id: retried.body.id } })]);
    expect((await chargesFor(body.reference)).items).toMatchObject([{ id: retried.body.id, status: 'succeeded' }]);
  });

  it('a compensation finds the charge whose answer was lost, and refunds it', async () => {
    const body = await chargeBody();
    await chargeWithLostAnswer(body, unique('lost'));
    const res = conforms(await compensate(body.reference).expect(200));
    expect(res.body.status).toBe('refunded');
    expect(await provider.chargesFor(body.reference)).toMatchObject([{ amount_refunded: 2500 }]);
    // The checkout's own retry of the charge, arriving late, is refused: the money was given back.
    expect(conforms(await postCharge(body).expect(409)).body.type).toBe('reference-already-charged');
  });

  it('the reconciliation job settles charges left pending: from what the provider has, or by asking it under their key', async () => {
    const lost = await chargeBody();
    await chargeWithLostAnswer(lost, unique('lost'));
    // A charge whose request never reached the provider (it could not be reached): pending too.
    const neverSent = await chargeBody();
    const unreachable = paymentsService.createApp({ ...service.context, env: { ...provider.env, PAYMENT_PROVIDER_URL: 'http://127.0.0.1:9' } });
    conforms(await request.agent(unreachable).post('/charges').set('authorization', serviceAuth).set('Idempotency-Key', unique('unsent')).send(neverSent).expect(503));
    expect(await provider.chargesFor(neverSent.reference)).toHaveLength(0);

    const settled = await reconcilePendingAttempts(service.orm, createPaymentProvider(providerConfigFromEnv(provider.env)), { olderThanMs: 0 });
    expect(settled).toBeGreaterThanOrEqual(2);
    for (const body of [lost, neverSent]) {
      expect((await chargesFor(body.reference)).items).toMatchObject([{ status: 'succeeded' }]);
      expect(await provider.chargesFor(body.reference)).toHaveLength(1);
    }
    expect(await sql("select id from charge_attempts where status = 'pending'")).toEqual([]);
  });

  it('asks for a refund once per key, and again under the same provider key when its answer was lost', async () => {
    const charge = await succeededCharge(1000);
    const key = unique('refund');
    const lock = await holdTableLock(provider.databaseUrl, 'refunds');
    try {
      const lost = impatient().post('/refunds').set('Idempotency-Key', key).send({ chargeId: charge.id, amount: 400 }).then((res) => res);
      await untilWaitingForLock(provider.databaseUrl, 'refunds');
      expect(conforms(await lost).status).toBe(503);
    } finally {
      await lock.release();
    }
    await until(async () => (await providerRefunds(charge.id)).length === 1);
    const retried = conforms(await postRefund({ chargeId: charge.id, amount: 400 }, key).expect(201));
    const repeat = conforms(await postRefund({ chargeId: charge.id, amount: 400 }, key).expect(201));
    expect(repeat.headers['idempotent-replayed']).toBe('true');
    expect(repeat.body).toEqual(retried.body);
    expect(await providerRefunds(charge.id)).toMatchObject([{ amount: 400, metadata: { shop_refund_id: retried.body.id } }]);
    expect(conforms(await api().get(`/charges/${charge.id}`).expect(200)).body).toMatchObject({ amountRefunded: 400, status: 'partially_refunded' });
  });

  it('answers 422 for a card the provider does not know (e.g. its data was reset)', async () => {
    const body = await chargeBody();
    await sql("update payment_methods set provider_token = 'pm_forgotten' where id = ?", [body.paymentMethodId]);
    const res = conforms(await postCharge(body).expect(422));
    expect(res.body.type).toBe('unknown-payment-method');
    expect(fieldsOf(res)).toEqual(['body.paymentMethodId']);
  });
});

describe('authorization', () => {
  it('tokenises a customer’s card as theirs, and refuses to tokenise for someone else', async () => {
    const customer = unique('customer');
    const auth = await asCustomer(customer);
    const own = conforms(await as(auth).post('/payment-methods').send({ card: card(CARDS.visa) }).expect(201));
    expect(own.body.customerId).toBe(customer);
    conforms(await as(auth).get(`/payment-methods/${own.body.id}`).expect(200));
    conforms(await as(auth).post('/payment-methods').send({ card: card(CARDS.visa), customerId: unique('someone-else') }).expect(403));
    conforms(await request(service.app).post('/payment-methods').send({ card: card(CARDS.visa) }).expect(401));
  });

  it('hides other customers’ payment methods and charges behind 404', async () => {
    const owner = unique('customer');
    const body = await chargeBody(CARDS.visa, { customerId: owner, paymentMethodId: await tokenise(CARDS.visa, owner) });
    const charge = conforms(await api().post('/charges').set('Idempotency-Key', unique('key')).send(body).expect(201));
    const stranger = await asCustomer(unique('customer'));
    conforms(await as(stranger).get(`/charges/${charge.body.id}`).expect(404));
    conforms(await as(stranger).get(`/payment-methods/${body.paymentMethodId}`).expect(404));
    const mine = conforms(await as(await asCustomer(owner)).get('/charges').expect(200));
    expect(mine.body.items.map((item: { id: string }) => item.id)).toEqual([charge.body.id]);
    conforms(await as(stranger).get('/charges').query({ customerId: owner }).expect(403));
    conforms(await as(await asSupport()).get(`/charges/${charge.body.id}`).expect(200));
  });

  it('lets only services and admins charge and refund', async () => {
    const customer = unique('customer');
    const auth = await asCustomer(customer);
    const body = await chargeBody(CARDS.visa, { customerId: customer, paymentMethodId: await tokenise(CARDS.visa, customer) });
    conforms(await as(auth).post('/charges').set('Idempotency-Key', unique('key')).send(body).expect(403));
    conforms(await as(await asSupport()).post('/charges').set('Idempotency-Key', unique('key')).send(body).expect(403));
    const charge = conforms(await api().post('/charges').set('Idempotency-Key', unique('key')).send(body).expect(201));
    conforms(await as(auth).post('/refunds').set('Idempotency-Key', unique('key')).send({ chargeId: charge.body.id }).expect(403));
    conforms(await as(auth).post(`/references/${body.reference}/refund`).send({}).expect(403));
    conforms(await as(await asAdmin()).post('/refunds').set('Idempotency-Key', unique('key')).send({ chargeId: charge.body.id }).expect(201));
  });
});

describe('bad input', () => {
  const good = { reference: 'checkout-bad-input', customerId: 'customer-1', amount: { amount: 100, currency: 'USD' }, paymentMethodId: 'pm_x' };

  it.each([
    ['a missing field', { ...good, reference: undefined }, 'body.reference'],
    ['a wrong type', { ...good, amount: { amount: '100', currency: 'USD' } }, 'body.amount.amount'],
    ['an unknown field', { ...good, tip: 5 }, 'body.tip'],
    ['a zero amount', { ...good, amount: { amount: 0, currency: 'USD' } }, 'body.amount.amount'],
    ['an amount over the limit', { ...good, amount: { amount: 100_000_001, currency: 'USD' } }, 'body.amount.amount'],
    ['a fractional amount', { ...good, amount: { amount: 10.5, currency: 'USD' } }, 'body.amount.amount'],
    ['a lower-case currency', { ...good, amount: { amount: 100, currency: 'usd' } }, 'body.amount.currency'],
    ['an unknown currency', { ...good, amount: { amount: 100, currency: 'ABC' } }, 'body.amount.currency'],
    ['a bad reference', { ...good, reference: 'bad reference!' }, 'body.reference'],
    ['a bad customer id', { ...good, customerId: '' }, 'body.customerId'],
  ])('names the field for %s in a charge', async (_case, body, field) => {
    const res = conforms(await postCharge(body).expect(400));
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.type).toBe('validation-failed');
    expect(fieldsOf(res)).toContain(field);
  });

  it.each([
    ['a zero amount', { chargeId: 'ch_x', amount: 0 }, 'body.amount'],
    ['a missing charge', { amount: 10 }, 'body.chargeId'],
    ['an unknown field', { chargeId: 'ch_x', currency: 'USD' }, 'body.currency'],
  ])('names the field for %s in a refund', async (_case, body, field) => {
    const res = conforms(await postRefund(body).expect(400));
    expect(fieldsOf(res)).toContain(field);
  });

  it('refuses a body on the compensation', async () => {
    const res = conforms(await api().post('/references/some-ref/refund').send({ amount: 5 }).expect(400));
    expect(fieldsOf(res)).toContain('body.amount');
  });

  it('refuses malformed JSON', async () => {
    const res = conforms(await api().post('/charges').set('Idempotency-Key', unique('json')).set('Content-Type', 'application/json').send('{"reference":').expect(400));
    expect(res.body.type).toBe('malformed-json');
  });

  it('refuses an oversized body with 413', async () => {
    const res = conforms(await postCharge({ ...good, description: 'x'.repeat(70_000) }).expect(413));
    expect(res.body.type).toBe('body-too-large');
  });

  it.each([
    ['charges', '/charges', good],
    ['refunds', '/refunds', { chargeId: 'ch_x' }],
  ])('requires an idempotency key on %s', async (_case, path, body) => {
    const res = conforms(await api().post(path).send(body).expect(400));
    expect(fieldsOf(res)).toEqual(['header.idempotency-key']);
  });

  it.each([
    ['a bad limit', { limit: '0' }, 'query.limit'],
    ['an unknown parameter', { status: 'failed' }, 'query.status'],
    ['a bad reference', { reference: '../x' }, 'query.reference'],
  ])('refuses %s when listing', async (_case, query, field) => {
    const res = conforms(await api().get('/charges').query(query).expect(400));
    expect(fieldsOf(res)).toContain(field);
  });

  it('refuses a bad id in a path', async () => {
    const res = conforms(await api().get('/charges/bad%20id').expect(400));
    expect(fieldsOf(res)).toEqual(['params.chargeId']);
  });
});

describe('probes', () => {
  it('answers /health and /ready', async () => {
    await api().get('/health').expect(200, { status: 'ok', service: 'payments' });
    await api().get('/ready').expect(200);
  });

  it('serves its spec', async () => {
    const res = await api().get('/openapi.json').expect(200);
    expect(res.body.info.title).toBe('Payments service');
  });
});

// Found by the API fuzzer (npm run fuzz); each was a disagreement between the spec and the code.
describe('fuzzer findings', () => {
  const currencyPattern = () => new RegExp((paymentsSpec as { components: { schemas: { Currency: { pattern: string } } } }).components.schemas.Currency.pattern);

  it('lists in the spec exactly the currencies it accepts', async () => {
    // "AAA" matched the spec's old ^[A-Z]{3}$ and was refused; the spec now lists the codes.
    expect(currencyPattern().test('AAA')).toBe(false);
    const refused = conforms(await postCharge(await chargeBody(CARDS.visa, { amount: { amount: 100, currency: 'AAA' } })).expect(400));
    expect(fieldsOf(refused)).toEqual(['body.amount.currency']);
    expect(currencyPattern().test('GBP')).toBe(true);
    const charged = conforms(await postCharge(await chargeBody(CARDS.visa, { amount: { amount: 100, currency: 'GBP' } })).expect(201));
    expect(charged.body.amount).toEqual({ amount: 100, currency: 'GBP' });
  });

  it('refuses a NUL character in any string with 400 naming it, instead of failing at the insert with 500', async () => {
    const body = { ...(await chargeBody()), description: 'gift\u0000' };
    const res = conforms(await postCharge(body).expect(400));
    expect(fieldsOf(res)).toEqual(['body.description']);
    expect((await chargesFor(body.reference)).total).toBe(0);
  });

  it('refuses an Idempotency-Key sent empty, instead of running without one', async () => {
    const reference = unique('empty-key');
    const res = conforms(await api().post(`/references/${reference}/refund`).set('Idempotency-Key', '').expect(400));
    expect(fieldsOf(res)).toEqual(['header.idempotency-key']);
    // Nothing ran: the reference was not voided, so it can still be charged.
    conforms(await postCharge(await chargeBody(CARDS.visa, { reference })).expect(201));
  });

  it('answers a method a path does not have with 405 and Allow', async () => {
    const res = await api().trace('/charges').expect(405);
    expect(res.headers.allow).toBe('GET, POST, HEAD');
    expect(res.body.type).toBe('method-not-allowed');
    expect((await api().get('/refunds').expect(405)).headers.allow).toBe('POST');
  });
});
