/**
 * The payment provider simulator over real HTTP: Stripe's test cards, and
 * Stripe's idempotency (replay, refusal of other parameters, concurrent
 * repeats), checked against its spec.
 */
import request from 'supertest';
import type { EntityManager } from '@mikro-orm/postgresql';
import { TEST_CARDS } from '../../scripts/demo-data';
import { holdTableLock, untilWaitingForLock } from '../../test/support/locks';
import { expectToMatchSpec } from '../../test/support/openapi';
import { startTestPaymentProvider, type TestPaymentProvider } from '../../test/support/payment-provider';
import { paymentProviderSpec } from './app';
import { LOCAL_API_KEY } from './client';
import { outageSwitch, OUTAGE_ENV } from './routes';

const CARDS = { ...TEST_CARDS, visa: TEST_CARDS.success, mastercard: '5555555555554444' } as const;

const NEXT_YEAR = new Date().getUTCFullYear() + 1;

let provider: TestPaymentProvider;
let counter = 0;

beforeAll(async () => {
  provider = await startTestPaymentProvider();
});
afterAll(async () => {
  await provider?.stop();
});

const api = () => request.agent(provider.url).set('authorization', `Bearer ${LOCAL_API_KEY}`);
const conforms = <T extends request.Response>(res: T): T => {
  expectToMatchSpec(paymentProviderSpec, res);
  return res;
};
const unique = (prefix: string) => `${prefix}-${++counter}-${Date.now()}`;
const sql = <T extends object>(query: string, params: unknown[] = []) => (provider.orm.em.fork() as EntityManager).execute<T[]>(query, params);

async function tokenise(number: string = CARDS.visa): Promise<string> {
  const res = conforms(await api().post('/v1/payment_methods').send({ type: 'card', card: { number, exp_month: 12, exp_year: NEXT_YEAR, cvc: '123' } }).expect(200));
  return res.body.id as string;
}

async function chargeBody(number: string = CARDS.visa, overrides: Record<string, unknown> = {}) {
  return { amount: 2500, currency: 'usd', payment_method: await tokenise(number), metadata: { shop_reference: unique('ref') }, ...overrides };
}

const postCharge = (body: object, key?: string) => {
  const req = api().post('/v1/charges');
  return key ? req.set('Idempotency-Key', key).send(body) : req.send(body);
};

describe('payment methods', () => {
  it.each([
    [CARDS.visa, 'visa'],
    [CARDS.mastercard, 'mastercard'],
    ['378282246310005', 'amex'],
    ['6011111111111117', 'discover'],
  ])('tokenises %s as %s, keeping neither the number nor the CVC', async (number, brand) => {
    const res = conforms(await api().post('/v1/payment_methods').send({ type: 'card', card: { number, exp_month: 7, exp_year: NEXT_YEAR, cvc: '9876' } }).expect(200));
    expect(res.body).toMatchObject({ object: 'payment_method', type: 'card', card: { brand, last4: number.slice(-4), exp_month: 7, exp_year: NEXT_YEAR }, livemode: false });
    expect(res.body.id).toMatch(/^pm_/);
    expect(res.text).not.toContain(number);
    const [stored] = await sql<{ row: string }>('select t::text as row from payment_methods t where id = ?', [res.body.id]);
    expect(stored?.row).not.toContain(number);
    expect(stored?.row).not.toContain('9876');
  });

  it.each([
    ['a number failing the Luhn check', { number: '4242424242424241' }, 'incorrect_number', 'card[number]'],
    ['a past year', { exp_year: NEXT_YEAR - 2 }, 'invalid_expiry_year', 'card[exp_year]'],
  ])('refuses %s as a card error naming the parameter', async (_case, card, code, param) => {
    const res = conforms(
      await api()
        .post('/v1/payment_methods')
        .send({ type: 'card', card: { number: CARDS.visa, exp_month: 12, exp_year: NEXT_YEAR, cvc: '123', ...card } })
        .expect(402),
    );
    expect(res.body.error).toMatchObject({ type: 'card_error', code, param });
  });

  it.each([
    ['an unknown parameter', { type: 'card', card: { number: CARDS.visa, exp_month: 12, exp_year: NEXT_YEAR, cvc: '123', name: 'Ada' } }, 'card[name]', /unknown parameter/],
    ['a missing parameter', { type: 'card', card: { number: CARDS.visa, exp_month: 12, cvc: '123' } }, 'card[exp_year]', /Missing required param/],
    ['a number of the wrong shape', { type: 'card', card: { number: '4242-4242', exp_month: 12, exp_year: NEXT_YEAR, cvc: '123' } }, 'card[number]', /Invalid/],
  ])('refuses %s with invalid_request_error naming it', async (_case, body, param, message) => {
    const res = conforms(await api().post('/v1/payment_methods').send(body).expect(400));
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', param });
    expect(res.body.error.message).toMatch(message);
  });
});

describe('test cards', () => {
  it.each([CARDS.visa, CARDS.mastercard])('charges %s', async (number) => {
    const body = await chargeBody(number, { description: 'Checkout 1' });
    const res = conforms(await postCharge(body).expect(200));
    expect(res.body).toMatchObject({
      object: 'charge',
      amount: 2500,
      amount_refunded: 0,
      currency: 'usd',
      status: 'succeeded',
      paid: true,
      refunded: false,
      payment_method: body.payment_method,
      description: 'Checkout 1',
      metadata: body.metadata,
      failure_code: null,
      outcome: { type: 'authorized', reason: null },
    });
    expect(conforms(await api().get(`/v1/charges/${res.body.id}`).expect(200)).body).toEqual(res.body);
  });

  it.each([
    [CARDS.declined, 'card_declined', 'generic_decline'],
    [CARDS.insufficientFunds, 'card_declined', 'insufficient_funds'],
    [CARDS.processingError, 'processing_error', 'processing_error'],
  ])('answers %s with 402 %s and keeps the failed charge', async (number, code, reason) => {
    const res = conforms(await postCharge(await chargeBody(number)).expect(402));
    expect(res.body.error).toMatchObject({ type: 'card_error', code });
    expect(res.body.error.decline_code).toBe(code === 'card_declined' ? reason : undefined);
    const failed = conforms(await api().get(`/v1/charges/${res.body.error.charge}`).expect(200));
    expect(failed.body).toMatchObject({ status: 'failed', paid: false, failure_code: code, outcome: { reason } });
  });

  it('refuses an unknown payment method, naming it', async () => {
    const res = conforms(await postCharge({ amount: 100, currency: 'usd', payment_method: 'pm_nope' }).expect(400));
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'resource_missing', param: 'payment_method' });
  });
});

describe('Idempotency-Key', () => {
  it('replays the first answer for a repeat, and charges once', async () => {
    const body = await chargeBody();
    const key = unique('key');
    const first = conforms(await postCharge(body, key).expect(200));
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const repeat = conforms(await postCharge(body, key).expect(200));
    expect(repeat.headers['idempotent-replayed']).toBe('true');
    expect(repeat.body).toEqual(first.body);
    expect(await provider.chargesFor(body.metadata.shop_reference)).toHaveLength(1);
  });

  it('replays a decline too, without charging again', async () => {
    const body = await chargeBody(CARDS.declined);
    const key = unique('key');
    const first = conforms(await postCharge(body, key).expect(402));
    const repeat = conforms(await postCharge(body, key).expect(402));
    expect(repeat.headers['idempotent-replayed']).toBe('true');
    expect(repeat.body).toEqual(first.body);
    expect(await provider.chargesFor(body.metadata.shop_reference)).toHaveLength(1);
  });

  it('refuses the same key with other parameters, or on another endpoint, with 400 idempotency_error', async () => {
    const body = await chargeBody();
    const key = unique('key');
    const first = conforms(await postCharge(body, key).expect(200));
    const other = conforms(await postCharge({ ...body, amount: 9999 }, key).expect(400));
    expect(other.body.error.type).toBe('idempotency_error');
    const elsewhere = conforms(await api().post('/v1/refunds').set('Idempotency-Key', key).send({ charge: first.body.id }).expect(400));
    expect(elsewhere.body.error.type).toBe('idempotency_error');
    expect(conforms(await api().get(`/v1/charges/${first.body.id}`).expect(200)).body.amount_refunded).toBe(0);
    expect(await provider.chargesFor(body.metadata.shop_reference)).toHaveLength(1);
  });

  it('never makes two charges when repeats with one key arrive at once: each is answered with the charge, or 409 while the first is at work', async () => {
    const body = await chargeBody();
    const key = unique('race');
    const responses = await Promise.all(Array.from({ length: 12 }, () => postCharge(body, key)));
    responses.forEach(conforms);
    const charged = responses.filter((res) => res.status === 200);
    const busy = responses.filter((res) => res.status === 409);
    expect(charged.length + busy.length).toBe(responses.length);
    expect(busy.every((res) => res.body.error.type === 'idempotency_error')).toBe(true);
    expect(new Set(charged.map((res) => res.body.id)).size).toBe(1);
    const [charge] = await provider.chargesFor(body.metadata.shop_reference);
    expect(await provider.chargesFor(body.metadata.shop_reference)).toHaveLength(1);
    // Whatever the repeats were told, the key now answers with the one charge.
    expect(conforms(await postCharge(body, key).expect(200)).body.id).toBe(charge?.id);
  });

  it('refuses a repeat with 409 at once while the first request with its key is still at work', async () => {
    const body = await chargeBody();
    const key = unique('in-progress');
    // The first request is held at work: its charge cannot be written until the test lets go.
    const lock = await holdTableLock(provider.databaseUrl, 'charges');
    let first: Promise<request.Response>;
    try {
      first = postCharge(body, key).then((res) => res);
      await untilWaitingForLock(provider.databaseUrl, 'charges');
      const repeat = conforms(await postCharge(body, key).expect(409));
      expect(repeat.body.error.type).toBe('idempotency_error');
    } finally {
      await lock.release();
    }
    const charged = conforms(await first);
    expect(charged.status).toBe(200);
    const replayed = conforms(await postCharge(body, key).expect(200));
    expect(replayed.body.id).toBe(charged.body.id);
    expect(await provider.chargesFor(body.metadata.shop_reference)).toHaveLength(1);
  });

  it('stores nothing for a request refused before its work, so the key can still be used', async () => {
    const body = await chargeBody();
    const key = unique('key');
    conforms(await postCharge({ ...body, amount: 0 }, key).expect(400));
    const charged = conforms(await postCharge(body, key).expect(200));
    expect(charged.headers['idempotent-replayed']).toBeUndefined();
  });

  it('refuses a malformed key', async () => {
    const res = conforms(await postCharge(await chargeBody(), 'has spaces in it').expect(400));
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', param: 'Idempotency-Key' });
  });

  it('keeps one refund per key, and a refund key with other parameters is refused', async () => {
    const charge = conforms(await postCharge(await chargeBody()).expect(200)).body;
    const key = unique('refund');
    const first = conforms(await api().post('/v1/refunds').set('Idempotency-Key', key).send({ charge: charge.id, amount: 500 }).expect(200));
    const repeat = conforms(await api().post('/v1/refunds').set('Idempotency-Key', key).send({ charge: charge.id, amount: 500 }).expect(200));
    expect(repeat.body).toEqual(first.body);
    expect(repeat.headers['idempotent-replayed']).toBe('true');
    const other = conforms(await api().post('/v1/refunds').set('Idempotency-Key', key).send({ charge: charge.id, amount: 600 }).expect(400));
    expect(other.body.error.type).toBe('idempotency_error');
    const refunds = conforms(await api().get('/v1/refunds').query({ charge: charge.id }).expect(200));
    expect(refunds.body.data).toEqual([first.body]);
    expect(conforms(await api().get(`/v1/charges/${charge.id}`).expect(200)).body.amount_refunded).toBe(500);
  });
});

describe('refunds', () => {
  it('refunds in parts, then what remains, and refuses more', async () => {
    const charge = conforms(await postCharge(await chargeBody(CARDS.visa, { amount: 1000 })).expect(200)).body;
    conforms(await api().post('/v1/refunds').send({ charge: charge.id, amount: 300 }).expect(200));
    const over = conforms(await api().post('/v1/refunds').send({ charge: charge.id, amount: 800 }).expect(400));
    expect(over.body.error).toMatchObject({ type: 'invalid_request_error', code: 'amount_too_large', param: 'amount' });
    const rest = conforms(await api().post('/v1/refunds').send({ charge: charge.id }).expect(200));
    expect(rest.body).toMatchObject({ object: 'refund', amount: 700, charge: charge.id, currency: 'usd', status: 'succeeded' });
    expect(conforms(await api().get(`/v1/charges/${charge.id}`).expect(200)).body).toMatchObject({ amount_refunded: 1000, refunded: true });
    const again = conforms(await api().post('/v1/refunds').send({ charge: charge.id }).expect(400));
    expect(again.body.error.code).toBe('charge_already_refunded');
    expect(conforms(await api().get('/v1/refunds').query({ charge: charge.id, limit: 1 }).expect(200)).body).toMatchObject({ has_more: true, data: [{ amount: 700 }] });
  });

  it('refuses to refund a failed charge or an unknown one', async () => {
    const failed = conforms(await postCharge(await chargeBody(CARDS.declined)).expect(402)).body.error.charge;
    expect(conforms(await api().post('/v1/refunds').send({ charge: failed }).expect(400)).body.error.code).toBe('charge_not_refundable');
    expect(conforms(await api().post('/v1/refunds').send({ charge: 'ch_nope' }).expect(400)).body.error.code).toBe('resource_missing');
  });

  it('never refunds more than was charged when refunds race', async () => {
    const charge = conforms(await postCharge(await chargeBody(CARDS.visa, { amount: 1000 })).expect(200)).body;
    const responses = await Promise.all(Array.from({ length: 8 }, () => api().post('/v1/refunds').send({ charge: charge.id, amount: 300 })));
    responses.forEach(conforms);
    expect(responses.filter((res) => res.status === 200)).toHaveLength(3);
    expect(conforms(await api().get(`/v1/charges/${charge.id}`).expect(200)).body.amount_refunded).toBe(900);
  });
});

describe('search', () => {
  it('finds charges by a metadata value, newest first', async () => {
    const reference = unique('search');
    const first = conforms(await postCharge(await chargeBody(CARDS.declined, { metadata: { shop_reference: reference } })).expect(402)).body.error.charge;
    const second = conforms(await postCharge(await chargeBody(CARDS.visa, { metadata: { shop_reference: reference } })).expect(200)).body.id;
    const res = conforms(await api().get('/v1/charges/search').query({ query: `metadata['shop_reference']:'${reference}'` }).expect(200));
    expect(res.body).toMatchObject({ object: 'search_result', has_more: false });
    expect(res.body.data.map((charge: { id: string }) => charge.id)).toEqual([second, first]);
    const page = conforms(await api().get('/v1/charges/search').query({ query: `metadata['shop_reference']:'${reference}'`, limit: 1 }).expect(200));
    expect(page.body).toMatchObject({ has_more: true, data: [{ id: second }] });
    expect(conforms(await api().get('/v1/charges/search').query({ query: "metadata['shop_reference']:'none'" }).expect(200)).body.data).toEqual([]);
  });

  it('refuses a query in any other form, naming it', async () => {
    const res = conforms(await api().get('/v1/charges/search').query({ query: 'amount>100' }).expect(400));
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', param: 'query' });
  });
});

describe('outage', () => {
  it('answers 503 and stores nothing while in an outage, then does the work with the same key', async () => {
    const body = await chargeBody();
    const key = unique('outage');
    await provider.setOutage(true);
    try {
      expect(conforms(await api().get('/v1/test_helpers/outage').expect(200)).body).toEqual({ active: true });
      const res = conforms(await postCharge(body, key).expect(503));
      expect(res.body.error.type).toBe('api_error');
      conforms(await api().post('/v1/payment_methods').send({ type: 'card', card: { number: CARDS.visa, exp_month: 12, exp_year: NEXT_YEAR, cvc: '123' } }).expect(503));
    } finally {
      await provider.setOutage(false);
    }
    const after = conforms(await postCharge(body, key).expect(200));
    expect(after.headers['idempotent-replayed']).toBeUndefined();
    expect(await provider.chargesFor(body.metadata.shop_reference)).toHaveLength(1);
  });

  it('is also on while PAYMENTS_PROVIDER_OUTAGE=true, read on every call', () => {
    const env: Record<string, string | undefined> = {};
    const outage = outageSwitch(env);
    expect(outage.active()).toBe(false);
    env[OUTAGE_ENV] = 'true';
    expect(outage.active()).toBe(true);
    delete env[OUTAGE_ENV];
    outage.set(true);
    expect(outage.active()).toBe(true);
  });
});

describe('access and probes', () => {
  it('requires the secret key', async () => {
    const none = conforms(await request(provider.url).get('/v1/charges/ch_x').expect(401));
    expect(none.body.error.type).toBe('invalid_request_error');
    conforms(await request(provider.url).get('/v1/charges/ch_x').set('authorization', 'Bearer sk_test_wrong').expect(401));
  });

  it('answers an unknown charge with 404 resource_missing, and an unknown URL with 404', async () => {
    expect(conforms(await api().get('/v1/charges/ch_nope').expect(404)).body.error.code).toBe('resource_missing');
    expect((await api().get('/v1/customers').expect(404)).body.error.type).toBe('invalid_request_error');
  });

  it('refuses malformed JSON', async () => {
    const res = await api().post('/v1/charges').set('content-type', 'application/json').send('{"amount":').expect(400);
    expect(res.body.error.type).toBe('invalid_request_error');
  });

  it('answers /health, /ready and serves its spec', async () => {
    await request(provider.url).get('/health').expect(200);
    await request(provider.url).get('/ready').expect(200);
    expect((await request(provider.url).get('/openapi.json').expect(200)).body.info.title).toBe('Payment provider simulator');
  });
});
