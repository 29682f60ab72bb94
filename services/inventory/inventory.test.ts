import request from 'supertest';
import type { EntityManager } from '@mikro-orm/postgresql';
import { serviceUnderTest, type ServiceUnderTest } from '../../test/support/service';
import { expectToMatchSpec } from '../../test/support/openapi';
import { inventorySpec } from './app';
import { MAX_STOCK_ON_HAND, releaseExpiredReservations } from './domain';
import { inventoryService } from './main';
import { asAdmin, asCustomer, asService, asSupport } from '../../test/support/auth';
import { commitOnceWaiting, openTransaction, untilSessionsWaitForLocks } from '../../test/support/locks';

let service: ServiceUnderTest;
let skuCounter = 0;
/** Most tests call as the checkout does: as a service. */
let serviceAuth: string;

beforeAll(async () => {
  service = await serviceUnderTest(inventoryService);
  serviceAuth = await asService('worker');
});
afterAll(async () => {
  await service.close();
});

const api = () => request.agent(service.app).set('authorization', serviceAuth);
const anonymous = () => request(service.app);
const conforms = <T extends request.Response>(res: T): T => {
  expectToMatchSpec(inventorySpec, res);
  return res;
};

async function newSku(onHand: number): Promise<string> {
  const sku = `SKU-${++skuCounter}-${Date.now()}`;
  conforms(await api().put(`/stock/${sku}`).send({ onHand }).expect(200));
  return sku;
}

async function stockOf(sku: string) {
  return conforms(await api().get(`/stock/${sku}`).expect(200)).body as { onHand: number; reserved: number; available: number };
}

describe('stock', () => {
  it('sets, reads and lists stock levels', async () => {
    const sku = await newSku(7);
    expect(await stockOf(sku)).toMatchObject({ sku, onHand: 7, reserved: 0, available: 7 });
    const list = conforms(await api().get('/stock').query({ sku: `${sku},NOPE-1` }).expect(200));
    expect(list.body).toMatchObject({ total: 1, items: [{ sku, onHand: 7 }] });
  });

  it('answers an unknown SKU with a 404 problem', async () => {
    const res = conforms(await api().get('/stock/NOPE-404').expect(404));
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: 'not-found', status: 404 });
  });

  it('applies an adjustment once per idempotency key', async () => {
    const sku = await newSku(10);
    const key = `adjust-${sku}`;
    const first = conforms(await api().post(`/stock/${sku}/adjustments`).set('Idempotency-Key', key).send({ delta: 5, reason: 'delivery' }).expect(200));
    const repeat = conforms(await api().post(`/stock/${sku}/adjustments`).set('Idempotency-Key', key).send({ delta: 5, reason: 'delivery' }).expect(200));
    expect(repeat.headers['idempotent-replayed']).toBe('true');
    expect(repeat.body).toEqual(first.body);
    expect((await stockOf(sku)).onHand).toBe(15);
  });

  it('applies concurrent repeats of one key exactly once', async () => {
    const sku = await newSku(0);
    const key = `adjust-concurrent-${sku}`;
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => api().post(`/stock/${sku}/adjustments`).set('Idempotency-Key', key).send({ delta: 3, reason: 'count' })),
    );
    expect(responses.map((res) => res.status)).toEqual(Array(10).fill(200));
    expect((await stockOf(sku)).onHand).toBe(3);
  });

  it('refuses a reused key with a different request', async () => {
    const sku = await newSku(1);
    const key = `adjust-reused-${sku}`;
    await api().post(`/stock/${sku}/adjustments`).set('Idempotency-Key', key).send({ delta: 1, reason: 'a' }).expect(200);
    const res = conforms(await api().post(`/stock/${sku}/adjustments`).set('Idempotency-Key', key).send({ delta: 2, reason: 'a' }).expect(422));
    expect(res.body.type).toBe('idempotency-key-reused');
    expect((await stockOf(sku)).onHand).toBe(2);
  });

  it('never lets on-hand drop below what is reserved', async () => {
    const sku = await newSku(5);
    await api().put('/reservations/below-1').send({ lines: [{ sku, quantity: 4 }] }).expect(201);
    const res = conforms(await api().put(`/stock/${sku}`).send({ onHand: 3 }).expect(409));
    expect(res.body.type).toBe('below-reserved');
    const adjust = conforms(await api().post(`/stock/${sku}/adjustments`).set('Idempotency-Key', `below-${sku}`).send({ delta: -2, reason: 'damaged' }).expect(409));
    expect(adjust.body.type).toBe('below-reserved');
  });

  it('refuses adjustments that would pass the most a SKU can hold (422 naming body.delta), up to it is fine', async () => {
    const sku = await newSku(MAX_STOCK_ON_HAND);
    // Each delta is valid on its own; it is the sum that would overflow the column.
    const refused = conforms(
      await api().post(`/stock/${sku}/adjustments`).set('Idempotency-Key', `over-${sku}`).send({ delta: MAX_STOCK_ON_HAND, reason: 'delivery' }).expect(422),
    );
    expect(refused.body).toMatchObject({ type: 'stock-limit-exceeded', maxOnHand: MAX_STOCK_ON_HAND, errors: [{ field: 'body.delta' }] });
    const over = conforms(await api().post(`/stock/${sku}/adjustments`).set('Idempotency-Key', `over-1-${sku}`).send({ delta: 1, reason: 'delivery' }).expect(422));
    expect(over.body.type).toBe('stock-limit-exceeded');
    expect((await stockOf(sku)).onHand).toBe(MAX_STOCK_ON_HAND);

    const lower = await newSku(MAX_STOCK_ON_HAND - 10);
    conforms(await api().post(`/stock/${lower}/adjustments`).set('Idempotency-Key', `to-max-${lower}`).send({ delta: 10, reason: 'delivery' }).expect(200));
    expect((await stockOf(lower)).onHand).toBe(MAX_STOCK_ON_HAND);
    conforms(await api().post(`/stock/${lower}/adjustments`).set('Idempotency-Key', `down-${lower}`).send({ delta: -MAX_STOCK_ON_HAND, reason: 'count' }).expect(200));
    expect((await stockOf(lower)).onHand).toBe(0);
  });
});

describe('bad input', () => {
  it.each([
    ['a missing field', '/stock/GOOD-SKU', {}, 'body.onHand'],
    ['a wrong type', '/stock/GOOD-SKU', { onHand: 'ten' }, 'body.onHand'],
    ['a negative number', '/stock/GOOD-SKU', { onHand: -1 }, 'body.onHand'],
    ['a fraction', '/stock/GOOD-SKU', { onHand: 1.5 }, 'body.onHand'],
    ['an out-of-range number', '/stock/GOOD-SKU', { onHand: 1e12 }, 'body.onHand'],
    ['an unknown field', '/stock/GOOD-SKU', { onHand: 1, colour: 'red' }, 'body.colour'],
    ['a bad SKU', '/stock/bad%20sku', { onHand: 1 }, 'params.sku'],
  ])('names the field for %s', async (_case, path, body, field) => {
    const res = conforms(await api().put(path).send(body).expect(400));
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.type).toBe('validation-failed');
    expect(res.body.errors.map((error: { field: string }) => error.field)).toContain(field);
  });

  it('names each bad line of a reservation', async () => {
    const res = conforms(
      await api()
        .put('/reservations/bad-lines')
        .send({ lines: [{ sku: 'A', quantity: 0 }, { sku: 'A', quantity: 1 }] })
        .expect(400),
    );
    const fields = res.body.errors.map((error: { field: string }) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['body.lines[0].quantity', 'body.lines[1].sku']));
  });

  it('refuses malformed JSON', async () => {
    const res = conforms(await api().put('/stock/GOOD-SKU').set('Content-Type', 'application/json').send('{"onHand":').expect(400));
    expect(res.body.type).toBe('malformed-json');
  });

  it('refuses an oversized body with 413', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => ({ sku: `SKU-${i}`, quantity: 1 }));
    const res = conforms(await api().put('/reservations/too-big').send({ lines }).expect(413));
    expect(res.body.type).toBe('body-too-large');
  });

  it('requires an idempotency key on adjustments', async () => {
    const res = conforms(await api().post('/stock/GOOD-SKU/adjustments').send({ delta: 1, reason: 'x' }).expect(400));
    expect(res.body.errors[0].field).toBe('header.idempotency-key');
  });

  it('refuses bad paging', async () => {
    const res = conforms(await api().get('/stock').query({ limit: '0' }).expect(400));
    expect(res.body.errors[0].field).toBe('query.limit');
  });
});

describe('reservations', () => {
  it('reserves, repeats idempotently and commits', async () => {
    const a = await newSku(5);
    const b = await newSku(5);
    const body = { lines: [{ sku: a, quantity: 2 }, { sku: b, quantity: 1 }] };
    const created = conforms(await api().put('/reservations/r-commit').send(body).expect(201));
    expect(created.body).toMatchObject({ id: 'r-commit', status: 'active' });
    conforms(await api().put('/reservations/r-commit').send(body).expect(200));
    expect(await stockOf(a)).toMatchObject({ onHand: 5, reserved: 2, available: 3 });

    conforms(await api().post('/reservations/r-commit/commit').expect(200));
    const again = conforms(await api().post('/reservations/r-commit/commit').expect(200));
    expect(again.body.status).toBe('committed');
    expect(await stockOf(a)).toMatchObject({ onHand: 3, reserved: 0, available: 3 });
    expect(await stockOf(b)).toMatchObject({ onHand: 4, reserved: 0 });

    const release = conforms(await api().post('/reservations/r-commit/release').expect(409));
    expect(release.body.type).toBe('reservation-committed');
  });

  it('refuses the same id with other lines', async () => {
    const sku = await newSku(5);
    await api().put('/reservations/r-mismatch').send({ lines: [{ sku, quantity: 1 }] }).expect(201);
    const res = conforms(await api().put('/reservations/r-mismatch').send({ lines: [{ sku, quantity: 2 }] }).expect(409));
    expect(res.body.type).toBe('reservation-mismatch');
  });

  it('reserves all lines or none', async () => {
    const plenty = await newSku(10);
    const scarce = await newSku(1);
    const res = conforms(
      await api()
        .put('/reservations/r-partial')
        .send({ lines: [{ sku: plenty, quantity: 3 }, { sku: scarce, quantity: 2 }] })
        .expect(409),
    );
    expect(res.body).toMatchObject({ type: 'out-of-stock', shortages: [{ sku: scarce, requested: 2, available: 1 }] });
    expect(await stockOf(plenty)).toMatchObject({ reserved: 0 });
    conforms(await api().get('/reservations/r-partial').expect(404));
  });

  it('refuses unknown SKUs with 422', async () => {
    const res = conforms(await api().put('/reservations/r-unknown').send({ lines: [{ sku: 'NO-SUCH-SKU', quantity: 1 }] }).expect(422));
    expect(res.body).toMatchObject({ type: 'unknown-sku', skus: ['NO-SUCH-SKU'] });
  });

  it('releases units back to stock, once', async () => {
    const sku = await newSku(4);
    await api().put('/reservations/r-release').send({ lines: [{ sku, quantity: 3 }] }).expect(201);
    conforms(await api().post('/reservations/r-release/release').expect(200));
    const again = conforms(await api().post('/reservations/r-release/release').expect(200));
    expect(again.body).toMatchObject({ status: 'released', releaseReason: 'requested' });
    expect(await stockOf(sku)).toMatchObject({ onHand: 4, reserved: 0 });
    const reuse = conforms(await api().put('/reservations/r-release').send({ lines: [{ sku, quantity: 3 }] }).expect(409));
    expect(reuse.body.type).toBe('reservation-released');
  });

  it('remembers a release that came before its reservation and refuses the late reservation', async () => {
    const sku = await newSku(4);
    const release = conforms(await api().post('/reservations/r-early-release/release').expect(200));
    expect(release.body).toMatchObject({ status: 'released', releaseReason: 'never-reserved', lines: [] });
    const late = conforms(await api().put('/reservations/r-early-release').send({ lines: [{ sku, quantity: 1 }] }).expect(409));
    expect(late.body.type).toBe('reservation-released');
    expect(await stockOf(sku)).toMatchObject({ reserved: 0 });
  });

  it('never oversells when many checkouts race for the last units', async () => {
    const sku = await newSku(5);
    const attempts = 40;
    const responses = await Promise.all(
      Array.from({ length: attempts }, (_, i) => api().put(`/reservations/race-${sku}-${i}`).send({ lines: [{ sku, quantity: 1 }] })),
    );
    const statuses = responses.map((res) => res.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(5);
    expect(statuses.filter((status) => status === 409)).toHaveLength(attempts - 5);
    expect(await stockOf(sku)).toMatchObject({ onHand: 5, reserved: 5, available: 0 });
  });

  it('handles concurrent repeats of one reservation as one', async () => {
    const sku = await newSku(10);
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => api().put(`/reservations/same-${sku}`).send({ lines: [{ sku, quantity: 2 }] })),
    );
    expect(responses.map((res) => res.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(await stockOf(sku)).toMatchObject({ reserved: 2 });
  });

  it('releases expired reservations automatically', async () => {
    const sku = await newSku(3);
    await api().put('/reservations/r-expiring').send({ lines: [{ sku, quantity: 2 }], ttlSeconds: 60 }).expect(201);
    const em = service.orm.em.fork() as EntityManager;
    await em.execute("update reservations set expires_at = now() - interval '1 second' where id = 'r-expiring'");
    const released = await em.transactional((tx) => releaseExpiredReservations(tx as EntityManager));
    expect(released).toContain('r-expiring');
    const reservation = conforms(await api().get('/reservations/r-expiring').expect(200));
    expect(reservation.body).toMatchObject({ status: 'released', releaseReason: 'expired' });
    expect(await stockOf(sku)).toMatchObject({ reserved: 0, available: 3 });
  });
});

/**
 * Interleavings forced with a transaction of the test's own: it holds a row, the requests wait for
 * it, and the test changes the row before letting them through, so each request decides on a state
 * that changed after it started.
 */
describe('reservations racing', () => {
  const reserveLine = (id: string, sku: string, quantity = 1) => api().put(`/reservations/${id}`).send({ lines: [{ sku, quantity }] }).then((res) => res);
  const lockStock = async (sku: string) => {
    const tx = await openTransaction(service.databaseUrl);
    await tx.query('select 1 from stock_items where sku = $1 for update', [sku]);
    return tx;
  };

  it('gives the last unit to one of two reservations that wait for it together', async () => {
    const sku = await newSku(1);
    const responses = await commitOnceWaiting(service.databaseUrl, await lockStock(sku), [reserveLine(`last-a-${sku}`, sku), reserveLine(`last-b-${sku}`, sku)]);
    expect(responses.map((res) => conforms(res).status).sort()).toEqual([201, 409]);
    expect(responses.find((res) => res.status === 409)!.body).toMatchObject({ type: 'out-of-stock', shortages: [{ sku, requested: 1, available: 0 }] });
    expect(await stockOf(sku)).toMatchObject({ onHand: 1, reserved: 1 });
  });

  // Another checkout takes a unit while the request waits.
  const takeOne = (sku: string) => ({ sql: 'update stock_items set reserved = reserved + 1 where sku = $1', params: [sku] });

  it('refuses a reservation whose last unit went while it waited', async () => {
    const sku = await newSku(1);
    const [refused] = await commitOnceWaiting(service.databaseUrl, await lockStock(sku), [reserveLine(`late-${sku}`, sku)], takeOne(sku));
    expect(conforms(refused!).status).toBe(409);
    expect(await stockOf(sku)).toMatchObject({ onHand: 1, reserved: 1 });
  });

  it('reserves on the stock as another checkout left it while the reservation waited, losing neither', async () => {
    const sku = await newSku(2);
    const [taken] = await commitOnceWaiting(service.databaseUrl, await lockStock(sku), [reserveLine(`both-${sku}`, sku)], takeOne(sku));
    expect(conforms(taken!).status).toBe(201);
    expect(await stockOf(sku)).toMatchObject({ onHand: 2, reserved: 2 });
  });

  it('answers a repeat with its reservation after the stock ran out', async () => {
    const sku = await newSku(2);
    const created = conforms(await api().put(`/reservations/all-${sku}`).send({ lines: [{ sku, quantity: 2 }] }).expect(201)).body;
    const repeated = conforms(await api().put(`/reservations/all-${sku}`).send({ lines: [{ sku, quantity: 2 }] }).expect(200)).body;
    expect(repeated).toEqual(created);
    const mismatch = conforms(await api().put(`/reservations/all-${sku}`).send({ lines: [{ sku, quantity: 3 }] }).expect(409));
    expect(mismatch.body.type).toBe('reservation-mismatch');
    expect(await stockOf(sku)).toMatchObject({ reserved: 2 });
  });

  it('commits on the stock as others left it while the commit waited, losing neither', async () => {
    const sku = await newSku(5);
    await api().put(`/reservations/commit-${sku}`).send({ lines: [{ sku, quantity: 2 }] }).expect(201);
    const [committed] = await commitOnceWaiting(service.databaseUrl, await lockStock(sku), [api().post(`/reservations/commit-${sku}/commit`).then((res) => res)], {
      sql: 'update stock_items set on_hand = on_hand + 10, reserved = reserved + 1 where sku = $1',
      params: [sku],
    });
    expect(conforms(committed!).status).toBe(200);
    expect(await stockOf(sku)).toMatchObject({ onHand: 13, reserved: 1 });
  });

  it('commits a reservation once however many commits arrive at once', async () => {
    const a = await newSku(5);
    const b = await newSku(5);
    await api().put(`/reservations/once-${a}`).send({ lines: [{ sku: b, quantity: 1 }, { sku: a, quantity: 2 }] }).expect(201);
    const responses = await Promise.all(Array.from({ length: 6 }, () => api().post(`/reservations/once-${a}/commit`).then((res) => res)));
    expect(responses.map((res) => conforms(res).status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(await stockOf(a)).toMatchObject({ onHand: 3, reserved: 0 });
    expect(await stockOf(b)).toMatchObject({ onHand: 4, reserved: 0 });
  });

  it.each([
    ['commit', 'release'],
    ['release', 'commit'],
  ] as const)('lets a %s waiting for the reservation happen, and refuses the %s waiting behind it', async (first, second) => {
    const sku = await newSku(5);
    const id = `${first}-first-${sku}`;
    await api().put(`/reservations/${id}`).send({ lines: [{ sku, quantity: 2 }] }).expect(201);
    const tx = await openTransaction(service.databaseUrl);
    await tx.query('select 1 from reservations where id = $1 for update', [id]);
    // Waiters on a row are let through in the order they came.
    const firstDone = api().post(`/reservations/${id}/${first}`).then((res) => res);
    await untilSessionsWaitForLocks(service.databaseUrl, 1, [firstDone]);
    const [done, refused] = await commitOnceWaiting(service.databaseUrl, tx, [firstDone, api().post(`/reservations/${id}/${second}`).then((res) => res)]);
    expect(conforms(done!).status).toBe(200);
    conforms(refused!);
    expect(refused!.status).toBe(409);
    if (first === 'commit') {
      expect(refused!.body.type).toBe('reservation-committed');
      expect(await stockOf(sku)).toMatchObject({ onHand: 3, reserved: 0 });
    } else {
      expect(refused!.body.type).toBe('reservation-released');
      expect(await stockOf(sku)).toMatchObject({ onHand: 5, reserved: 0 });
    }
  });

  it('releases a reservation once however many releases arrive at once', async () => {
    const sku = await newSku(5);
    await api().put(`/reservations/free-${sku}`).send({ lines: [{ sku, quantity: 3 }] }).expect(201);
    const responses = await Promise.all(Array.from({ length: 6 }, () => api().post(`/reservations/free-${sku}/release`).then((res) => res)));
    expect(responses.map((res) => conforms(res).status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(responses.map((res) => res.body.status)).toEqual(Array(6).fill('released'));
    expect(await stockOf(sku)).toMatchObject({ onHand: 5, reserved: 0 });
  });
});

describe('extending a reservation', () => {
  it('keeps an active reservation for longer, never shorter, and survives the sweeper', async () => {
    const sku = await newSku(3);
    const created = conforms(await api().put('/reservations/r-extend').send({ lines: [{ sku, quantity: 2 }], ttlSeconds: 60 }).expect(201));
    const extended = conforms(await api().post('/reservations/r-extend/extend').send({ ttlSeconds: 3600 }).expect(200));
    expect(Date.parse(extended.body.expiresAt) - Date.parse(created.body.expiresAt)).toBeGreaterThan(3000 * 1000);
    const shorter = conforms(await api().post('/reservations/r-extend/extend').send({ ttlSeconds: 60 }).expect(200));
    expect(shorter.body.expiresAt).toBe(extended.body.expiresAt);

    const em = service.orm.em.fork() as EntityManager;
    expect(await em.transactional((tx) => releaseExpiredReservations(tx as EntityManager))).not.toContain('r-extend');
    expect(await stockOf(sku)).toMatchObject({ reserved: 2 });
  });

  it('refuses to extend a released reservation, an unknown one, a bad ttl, and callers who are not services', async () => {
    const sku = await newSku(3);
    await api().put('/reservations/r-extend-gone').send({ lines: [{ sku, quantity: 1 }] }).expect(201);
    await api().post('/reservations/r-extend-gone/release').expect(200);
    const gone = conforms(await api().post('/reservations/r-extend-gone/extend').send({ ttlSeconds: 600 }).expect(409));
    expect(gone.body).toMatchObject({ type: 'reservation-not-active', reservationStatus: 'released' });
    conforms(await api().post('/reservations/r-never/extend').send({ ttlSeconds: 600 }).expect(404));
    const bad = conforms(await api().post('/reservations/r-extend-gone/extend').send({ ttlSeconds: 5 }).expect(400));
    expect(bad.body.errors[0].field).toBe('body.ttlSeconds');
    conforms(await anonymous().post('/reservations/r-extend-gone/extend').set('authorization', await asCustomer('c-1')).send({ ttlSeconds: 600 }).expect(403));
  });
});

describe('authorization', () => {
  it('lets anyone read stock levels, without a token', async () => {
    const sku = await newSku(4);
    conforms(await anonymous().get(`/stock/${sku}`).expect(200));
    conforms(await anonymous().get('/stock').expect(200));
  });

  it('refuses reservations without a token (401) and from customers (403)', async () => {
    const sku = await newSku(4);
    const body = { lines: [{ sku, quantity: 1 }] };
    const missing = conforms(await anonymous().put('/reservations/auth-1').send(body).expect(401));
    expect(missing.body.type).toBe('unauthenticated');
    const customer = await asCustomer('customer-1');
    conforms(await anonymous().put('/reservations/auth-1').set('authorization', customer).send(body).expect(403));
    conforms(await anonymous().post('/reservations/auth-1/release').set('authorization', customer).expect(403));
    conforms(await anonymous().post('/reservations/auth-1/commit').set('authorization', customer).expect(403));
    conforms(await anonymous().get('/reservations/auth-1').set('authorization', customer).expect(403));
    expect(await stockOf(sku)).toMatchObject({ reserved: 0, available: 4 });
  });

  it('lets support read a reservation but not change stock', async () => {
    const sku = await newSku(4);
    await api().put('/reservations/auth-2').send({ lines: [{ sku, quantity: 1 }] }).expect(201);
    const support = await asSupport();
    conforms(await anonymous().get('/reservations/auth-2').set('authorization', support).expect(200));
    conforms(await anonymous().put(`/stock/${sku}`).set('authorization', support).send({ onHand: 9 }).expect(403));
  });

  it('lets only admins and services adjust stock', async () => {
    const sku = await newSku(4);
    const adjust = (auth: string) =>
      anonymous().post(`/stock/${sku}/adjustments`).set('authorization', auth).set('Idempotency-Key', `adj-${auth.slice(-12)}`).send({ delta: 2, reason: 'recount' });
    conforms(await adjust(await asCustomer('customer-1')).expect(403));
    conforms(await adjust(await asAdmin()).expect(200));
    expect(await stockOf(sku)).toMatchObject({ onHand: 6 });
  });

  it('refuses a forged, expired or malformed token with 401', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { signTestToken } = await import('../../test/support/auth');
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    for (const header of [
      `Bearer ${await signTestToken('admin-1', ['admin'], { key: otherKey })}`,
      `Bearer ${await signTestToken('admin-1', ['admin'], { expiresIn: Math.floor(Date.now() / 1000) - 10 })}`,
      'Bearer not-a-token',
      'Basic YWRtaW46YWRtaW4=',
    ]) {
      const res = conforms(await anonymous().put('/stock/FORGED-1').set('authorization', header).send({ onHand: 1 }).expect(401));
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    }
  });

  it('keeps idempotency keys apart per caller', async () => {
    const sku = await newSku(10);
    const key = `shared-key-${sku}`;
    const first = await anonymous().post(`/stock/${sku}/adjustments`).set('authorization', await asAdmin()).set('Idempotency-Key', key).send({ delta: 1, reason: 'a' }).expect(200);
    const second = await anonymous().post(`/stock/${sku}/adjustments`).set('authorization', serviceAuth).set('Idempotency-Key', key).send({ delta: 1, reason: 'a' }).expect(200);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    expect(second.body.onHand).toBe(first.body.onHand + 1);
  });
});

describe('probes', () => {
  it('answers /health and /ready', async () => {
    await api().get('/health').expect(200, { status: 'ok', service: 'inventory' });
    await api().get('/ready').expect(200);
  });

  it('serves its spec', async () => {
    const res = await api().get('/openapi.json').expect(200);
    expect(res.body.info.title).toBe('Inventory service');
  });
});

describe('docs', () => {
  it('serves human-readable docs of its spec', async () => {
    const res = await api().get('/docs/').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('inventory API');
    await api().get('/docs/swagger-ui-bundle.js').expect(200);
  });
});

// Found by the API fuzzer (npm run fuzz); each was a disagreement between the spec and the code.
describe('fuzzer findings', () => {
  it('refuses an Idempotency-Key sent empty, instead of running without one', async () => {
    const sku = await newSku(1);
    const res = conforms(await api().put(`/stock/${sku}`).set('Idempotency-Key', '').send({ onHand: 2 }).expect(400));
    expect(res.body.errors[0].field).toBe('header.idempotency-key');
    expect((await stockOf(sku)).onHand).toBe(1);
  });

  it('documents the key pattern it enforces: printable ASCII without spaces', async () => {
    const pattern = new RegExp((inventorySpec as { components: { schemas: Record<string, { pattern: string }> } }).components.schemas.IdempotencyKey!.pattern);
    expect(pattern.test('key with space')).toBe(false);
    const res = conforms(await api().put('/stock/GOOD-SKU').set('Idempotency-Key', 'key with space').send({ onHand: 2 }).expect(400));
    expect(res.body.errors[0].field).toBe('header.idempotency-key');
  });

  it.each(['commit', 'release'])('answers a key reused on %s with a documented 422', async (step) => {
    const key = `reuse-${step}-${Date.now()}`;
    await api().post(`/reservations/first-${key}/release`).set('Idempotency-Key', key).expect(200);
    const res = conforms(await api().post(`/reservations/second-${key}/${step}`).set('Idempotency-Key', key).expect(422));
    expect(res.body.type).toBe('idempotency-key-reused');
  });

  it('takes ?sku= as the spec says, a comma-separated list of SKUs, and refuses a bad element by index', async () => {
    const sku = await newSku(3);
    const list = conforms(await api().get('/stock').query({ sku: `${sku},${sku}` }).expect(200));
    expect(list.body.items).toHaveLength(1);
    for (const [bad, field] of [
      [`${sku}, OTHER`, 'query.sku[1]'],
      [`${sku},,OTHER`, 'query.sku[1]'],
      ['x'.repeat(65), 'query.sku[0]'],
    ] as const) {
      const res = conforms(await api().get('/stock').query({ sku: bad }).expect(400));
      expect(res.body.errors[0].field).toBe(field);
    }
  });

  it('says in the spec that an adjustment reason must not be blank, and refuses one', async () => {
    const reason = (inventorySpec as { components: { schemas: Record<string, { properties: Record<string, { pattern?: string }> }> } }).components.schemas
      .StockAdjustmentRequest!.properties.reason!;
    expect(new RegExp(reason.pattern!).test('\n')).toBe(false);
    const sku = await newSku(1);
    const res = conforms(await api().post(`/stock/${sku}/adjustments`).set('Idempotency-Key', `blank-${sku}`).send({ delta: 1, reason: '\n' }).expect(400));
    expect(res.body.errors[0].field).toBe('body.reason');
    // Length counts as sent, as the spec's maxLength does: padding does not sneak past it.
    const padded = conforms(await api().post(`/stock/${sku}/adjustments`).set('Idempotency-Key', `padded-${sku}`).send({ delta: 1, reason: ` ${'x'.repeat(200)}` }).expect(400));
    expect(padded.body.errors[0].field).toBe('body.reason');
    // In characters, as the spec counts them, not UTF-16 units: 200 emoji are 200 characters.
    conforms(await api().post(`/stock/${sku}/adjustments`).set('Idempotency-Key', `emoji-${sku}`).send({ delta: 1, reason: '📦'.repeat(200) }).expect(200));
    conforms(await api().post(`/stock/${sku}/adjustments`).set('Idempotency-Key', `emoji-over-${sku}`).send({ delta: 1, reason: '📦'.repeat(201) }).expect(400));
  });

  it('refuses a NUL character in any string with 400 naming it, as the spec says', async () => {
    const sku = await newSku(1);
    const res = conforms(await api().post(`/stock/${sku}/adjustments`).set('Idempotency-Key', `nul-${sku}`).send({ delta: 1, reason: 'a\u0000' }).expect(400));
    expect(res.body.errors).toEqual([{ field: 'body.reason', message: expect.stringContaining('NUL') }]);
    expect((await stockOf(sku)).onHand).toBe(1);
  });

  it('answers a method a path does not have with 405 and Allow', async () => {
    const res = await anonymous().delete('/stock').expect(405);
    expect(res.headers.allow).toBe('GET, HEAD');
    expect(res.body.type).toBe('method-not-allowed');
    expect((await anonymous().patch('/reservations/abc').expect(405)).headers.allow).toBe('GET, PUT, HEAD');
    await anonymous().get('/no-such-route').expect(404);
  });
});
