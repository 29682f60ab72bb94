import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { serviceUnderTest, type ServiceUnderTest } from '../../test/support/service';
import { expectToMatchSpec } from '../../test/support/openapi';
import { asAdmin, asCustomer, asService, asSupport } from '../../test/support/auth';
import type { components } from './api.gen';
import { catalogSpec } from './app';
import { catalogService } from './main';

type Product = components['schemas']['Product'];
type CreateProductRequest = components['schemas']['CreateProductRequest'];

let service: ServiceUnderTest;
let adminAuth: string;

beforeAll(async () => {
  service = await serviceUnderTest(catalogService);
  adminAuth = await asAdmin();
});
afterAll(async () => {
  await service.close();
});

const anonymous = () => request(service.app);
const as = (auth: string) => request.agent(service.app).set('authorization', auth);
const admin = () => as(adminAuth);
const conforms = <T extends request.Response>(res: T): T => {
  expectToMatchSpec(catalogSpec, res);
  return res;
};

const unique = () => randomUUID().slice(0, 8);
/** Each test browses its own category, so products made by other tests never show up. */
const newCategory = () => `test-${unique()}`;

function productRequest(overrides: Partial<CreateProductRequest> = {}): CreateProductRequest {
  return {
    sku: `SKU-${unique()}`,
    name: 'Temporal mug',
    description: 'A white ceramic mug with the Temporal logo.',
    price: { amount: 1250, currency: 'USD' },
    images: ['https://images.example.com/mug.jpg'],
    category: 'mugs',
    ...overrides,
  };
}

async function createProduct(overrides: Partial<CreateProductRequest> = {}): Promise<Product> {
  return conforms(await admin().post('/products').send(productRequest(overrides)).expect(201)).body as Product;
}

const skusOf = (res: request.Response) => (res.body.items as Product[]).map((product) => product.sku);

describe('creating and reading products', () => {
  it('creates a product that anyone can read', async () => {
    const body = productRequest();
    const created = await createProduct(body);
    expect(created).toMatchObject({ ...body, active: true });
    expect(created.createdAt).toBe(created.updatedAt);
    const fetched = conforms(await anonymous().get(`/products/${body.sku}`).expect(200));
    expect(fetched.body).toEqual(created);
  });

  it('fills in an empty description, no images and active when left out', async () => {
    const { sku, name, price, category } = productRequest();
    const created = conforms(await admin().post('/products').send({ sku, name, price, category }).expect(201));
    expect(created.body).toMatchObject({ description: '', images: [], active: true });
  });

  it('can create a product that is not on sale yet', async () => {
    const created = await createProduct({ active: false });
    expect(created.active).toBe(false);
    conforms(await anonymous().get(`/products/${created.sku}`).expect(404));
  });

  it('refuses a SKU that exists with 409 sku-taken', async () => {
    const body = productRequest();
    await createProduct(body);
    const res = conforms(await admin().post('/products').send({ ...body, name: 'Another' }).expect(409));
    expect(res.body).toMatchObject({ type: 'sku-taken', sku: body.sku });
  });

  it('creates a SKU once when many admins race for it', async () => {
    const body = productRequest();
    const responses = await Promise.all(Array.from({ length: 6 }, () => admin().post('/products').send(body)));
    responses.forEach(conforms);
    expect(responses.map((res) => res.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
  });

  it('replays a create with the same idempotency key', async () => {
    const body = productRequest();
    const key = `create-${body.sku}`;
    const first = conforms(await admin().post('/products').set('Idempotency-Key', key).send(body).expect(201));
    const replay = conforms(await admin().post('/products').set('Idempotency-Key', key).send(body).expect(201));
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
  });

  it('answers an unknown SKU with a 404 problem', async () => {
    const res = conforms(await anonymous().get('/products/NO-SUCH-SKU').expect(404));
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.type).toBe('not-found');
  });
});

describe('changing products', () => {
  it('changes only the fields given', async () => {
    const created = await createProduct();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const res = conforms(
      await admin()
        .patch(`/products/${created.sku}`)
        .send({ price: { amount: 999, currency: 'EUR' }, images: [] })
        .expect(200),
    );
    expect(res.body).toEqual({
      ...created,
      price: { amount: 999, currency: 'EUR' },
      images: [],
      updatedAt: expect.any(String),
    });
    expect(Date.parse(res.body.updatedAt)).toBeGreaterThan(Date.parse(created.updatedAt));
    const renamed = conforms(await admin().patch(`/products/${created.sku}`).send({ name: 'Big mug', category: 'big-mugs' }).expect(200));
    expect(renamed.body).toMatchObject({ name: 'Big mug', category: 'big-mugs', price: { amount: 999, currency: 'EUR' } });
  });

  it('keeps both changes when two admins change different fields at once', async () => {
    const created = await createProduct();
    await Promise.all([
      admin().patch(`/products/${created.sku}`).send({ name: 'Renamed' }).expect(200),
      admin().patch(`/products/${created.sku}`).send({ description: 'Redescribed' }).expect(200),
    ]);
    const after = conforms(await anonymous().get(`/products/${created.sku}`).expect(200));
    expect(after.body).toMatchObject({ name: 'Renamed', description: 'Redescribed' });
  });

  it('answers a change to an unknown SKU with 404', async () => {
    conforms(await admin().patch('/products/NO-SUCH-SKU').send({ name: 'x' }).expect(404));
  });

  it('deactivates and activates idempotently', async () => {
    const created = await createProduct();
    const off = conforms(await admin().post(`/products/${created.sku}/deactivate`).expect(200));
    expect(off.body.active).toBe(false);
    const offAgain = conforms(await admin().post(`/products/${created.sku}/deactivate`).expect(200));
    // Nothing changed the second time, not even the timestamp.
    expect(offAgain.body).toEqual(off.body);
    const on = conforms(await admin().post(`/products/${created.sku}/activate`).expect(200));
    expect(on.body.active).toBe(true);
    conforms(await admin().post(`/products/${created.sku}/activate`).expect(200));
    conforms(await admin().post('/products/NO-SUCH-SKU/activate').expect(404));
  });
});

describe('inactive products', () => {
  it('are hidden from the public and customers, and shown to admins and services', async () => {
    const category = newCategory();
    const on = await createProduct({ category });
    const off = await createProduct({ category });
    conforms(await admin().post(`/products/${off.sku}/deactivate`).expect(200));

    for (const caller of [anonymous(), as(await asCustomer('customer-1')), as(await asSupport())]) {
      conforms(await caller.get(`/products/${off.sku}`).expect(404));
    }
    const publicList = conforms(await anonymous().get('/products').query({ category }).expect(200));
    expect(skusOf(publicList)).toEqual([on.sku]);
    expect(publicList.body.total).toBe(1);

    for (const auth of [adminAuth, await asService('cart')]) {
      const detail = conforms(await as(auth).get(`/products/${off.sku}`).expect(200));
      expect(detail.body).toMatchObject({ sku: off.sku, active: false });
      const list = conforms(await as(auth).get('/products').query({ category, includeInactive: 'true' }).expect(200));
      expect(skusOf(list).sort()).toEqual([on.sku, off.sku].sort());
      // Without asking, staff browse like everyone else.
      const plain = conforms(await as(auth).get('/products').query({ category }).expect(200));
      expect(skusOf(plain)).toEqual([on.sku]);
    }
  });

  it('may be listed only by admins and services', async () => {
    const query = { includeInactive: 'true' };
    conforms(await anonymous().get('/products').query(query).expect(401));
    conforms(await as(await asCustomer('customer-1')).get('/products').query(query).expect(403));
    conforms(await as(await asSupport()).get('/products').query(query).expect(403));
    conforms(await anonymous().get('/products').query({ includeInactive: 'false' }).expect(200));
  });
});

describe('browsing', () => {
  it('lists newest first, page by page, in one category', async () => {
    const category = newCategory();
    const made: Product[] = [];
    for (let i = 0; i < 5; i++) made.push(await createProduct({ category, name: `Poster ${i}` }));
    await createProduct({ category: newCategory() });
    const newestFirst = made.map((product) => product.sku).reverse();

    const all = conforms(await anonymous().get('/products').query({ category }).expect(200));
    expect(all.body).toMatchObject({ total: 5, limit: 50, offset: 0 });
    expect(skusOf(all)).toEqual(newestFirst);

    const page = conforms(await anonymous().get('/products').query({ category, limit: '2', offset: '2' }).expect(200));
    expect(page.body).toMatchObject({ total: 5, limit: 2, offset: 2 });
    expect(skusOf(page)).toEqual(newestFirst.slice(2, 4));

    const past = conforms(await anonymous().get('/products').query({ category, offset: '10' }).expect(200));
    expect(past.body).toMatchObject({ items: [], total: 5 });
  });

  it('sorts by name on request', async () => {
    const category = newCategory();
    const b = await createProduct({ category, name: 'Banana' });
    const c = await createProduct({ category, name: 'Cherry' });
    const a = await createProduct({ category, name: 'Apple' });
    const res = conforms(await anonymous().get('/products').query({ category, sort: 'name' }).expect(200));
    expect(skusOf(res)).toEqual([a.sku, b.sku, c.sku]);
  });

  it('looks products up by SKU in one call, skipping unknown ones', async () => {
    const first = await createProduct();
    const second = await createProduct();
    const res = conforms(
      await anonymous()
        .get('/products')
        .query({ skus: `${first.sku},NO-SUCH-SKU,${second.sku},${first.sku}` })
        .expect(200),
    );
    expect(skusOf(res).sort()).toEqual([first.sku, second.sku].sort());
    expect(res.body.total).toBe(2);
  });

  it('refuses a SKU list with a blank or malformed entry, naming query.skus (the spec: each entry is a SKU)', async () => {
    for (const skus of ['A-1, B-2', 'A-1,,B-2', 'A-1,B 2']) {
      const res = conforms(await anonymous().get('/products').query({ skus }).expect(400));
      expect(res.body.errors[0].field).toMatch(/^query\.skus/);
    }
  });

  it('lists the categories with active products and their counts', async () => {
    const mugs = newCategory();
    const hats = newCategory();
    await createProduct({ category: mugs });
    await createProduct({ category: mugs });
    const hidden = await createProduct({ category: hats });
    await admin().post(`/products/${hidden.sku}/deactivate`).expect(200);

    const res = conforms(await anonymous().get('/categories').expect(200));
    const counts = Object.fromEntries((res.body.items as { category: string; productCount: number }[]).map((c) => [c.category, c.productCount]));
    expect(counts[mugs]).toBe(2);
    expect(counts).not.toHaveProperty(hats);
    const slugs = (res.body.items as { category: string }[]).map((c) => c.category);
    expect(slugs).toEqual([...slugs].sort());
  });
});

describe('search', () => {
  it('finds words in names and descriptions, ranking name matches first, with stemming', async () => {
    const category = newCategory();
    const inDescription = await createProduct({ category, name: 'Travel cup', description: 'Keeps coffee hot, like a thermos mug would.' });
    const inName = await createProduct({ category, name: 'Enamel mug', description: 'Camping classic.' });
    await createProduct({ category, name: 'Baseball cap', description: 'Blue, adjustable.' });

    const res = conforms(await anonymous().get('/products').query({ category, q: 'mugs' }).expect(200));
    expect(skusOf(res)).toEqual([inName.sku, inDescription.sku]);
    expect(res.body.total).toBe(2);
  });

  it('understands web-search syntax: phrases and exclusions', async () => {
    const category = newCategory();
    const blue = await createProduct({ category, name: 'Blue hoodie', description: 'Warm cotton hoodie.' });
    const red = await createProduct({ category, name: 'Red hoodie', description: 'Warm cotton hoodie.' });
    const notBlue = conforms(await anonymous().get('/products').query({ category, q: 'hoodie -blue' }).expect(200));
    expect(skusOf(notBlue)).toEqual([red.sku]);
    const phrase = conforms(await anonymous().get('/products').query({ category, q: '"blue hoodie"' }).expect(200));
    expect(skusOf(phrase)).toEqual([blue.sku]);
  });

  it('matches SKU prefixes, case-insensitively, ranked before text matches', async () => {
    const category = newCategory();
    const tag = unique().toUpperCase().replace(/[^A-Z0-9]/g, 'X');
    const textMatch = await createProduct({ category, name: `Sticker ${tag.toLowerCase()}` });
    const skuMatch = await createProduct({ category, sku: `${tag}-STICKER`, name: 'Laptop sticker' });
    const res = conforms(await anonymous().get('/products').query({ category, q: tag.toLowerCase() }).expect(200));
    expect(skusOf(res)).toEqual([skuMatch.sku, textMatch.sku]);
  });

  it('takes LIKE wildcards in the search text literally', async () => {
    const category = newCategory();
    await createProduct({ category, name: 'Anything' });
    const res = conforms(await anonymous().get('/products').query({ category, q: '%' }).expect(200));
    expect(res.body.total).toBe(0);
  });

  it('treats a blank search as no search, as the spec allows it', async () => {
    const category = newCategory();
    const [older, newer] = [await createProduct({ category, name: 'Blue hoodie' }), await createProduct({ category, name: 'Red mug' })];
    for (const q of ['', '   ', '\t']) {
      const res = conforms(await anonymous().get('/products').query({ category, q }).expect(200));
      expect(skusOf(res)).toEqual([newer.sku, older.sku]);
    }
  });

  it('hides inactive products from search', async () => {
    const category = newCategory();
    const off = await createProduct({ category, name: 'Retired kettle' });
    await admin().post(`/products/${off.sku}/deactivate`).expect(200);
    const res = conforms(await anonymous().get('/products').query({ category, q: 'kettle' }).expect(200));
    expect(res.body.total).toBe(0);
  });
});

describe('authorization', () => {
  it('asks for an admin token to create and change products', async () => {
    const created = await createProduct();
    const calls = (agent: () => request.SuperTest<request.Test> | request.Agent) => [
      () => agent().post('/products').send(productRequest()),
      () => agent().patch(`/products/${created.sku}`).send({ name: 'x' }),
      () => agent().post(`/products/${created.sku}/deactivate`),
      () => agent().post(`/products/${created.sku}/activate`),
    ];
    for (const call of calls(() => request(service.app))) {
      const res = conforms(await call().expect(401));
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
    for (const auth of [await asCustomer('customer-1'), await asSupport(), await asService('cart')]) {
      for (const call of calls(() => as(auth))) conforms(await call().expect(403));
    }
    const unchanged = conforms(await anonymous().get(`/products/${created.sku}`).expect(200));
    expect(unchanged.body).toEqual(created);
  });

  it('refuses an invalid token even on public routes', async () => {
    const res = conforms(await anonymous().get('/products').set('authorization', 'Bearer not-a-token').expect(401));
    expect(res.body.type).toBe('invalid-token');
  });
});

describe('bad input', () => {
  type Mutation = (body: Record<string, any>) => void; // eslint-disable-line @typescript-eslint/no-explicit-any
  it.each<[string, Mutation, string]>([
    ['a fractional price', (b) => (b.price.amount = 12.5), 'body.price.amount'],
    ['a negative price', (b) => (b.price.amount = -1), 'body.price.amount'],
    ['a zero price', (b) => (b.price.amount = 0), 'body.price.amount'],
    ['a huge price', (b) => (b.price.amount = 100_000_001), 'body.price.amount'],
    ['a price as a string', (b) => (b.price.amount = '12.50'), 'body.price.amount'],
    ['a price as a bare number', (b) => (b.price = 1250), 'body.price'],
    ['a missing currency', (b) => delete b.price.currency, 'body.price.currency'],
    ['a lower-case currency', (b) => (b.price.currency = 'usd'), 'body.price.currency'],
    ['an unknown currency', (b) => (b.price.currency = 'XYZ'), 'body.price.currency'],
    ['an unknown price field', (b) => (b.price.tax = 0), 'body.price.tax'],
    ['a missing name', (b) => delete b.name, 'body.name'],
    ['a blank name', (b) => (b.name = '   '), 'body.name'],
    ['a long name', (b) => (b.name = 'x'.repeat(201)), 'body.name'],
    ['a long description', (b) => (b.description = 'x'.repeat(5001)), 'body.description'],
    ['a bad SKU', (b) => (b.sku = 'bad sku'), 'body.sku'],
    ['a category that is no slug', (b) => (b.category = 'Mugs & Cups'), 'body.category'],
    ['a category with a double hyphen', (b) => (b.category = 'mugs--cups'), 'body.category'],
    ['an ftp image', (b) => (b.images = ['ftp://images.example.com/mug.jpg']), 'body.images[0]'],
    ['an image that is no URL', (b) => (b.images = ['https://example.com/ok.jpg', 'mug.jpg']), 'body.images[1]'],
    ['too many images', (b) => (b.images = Array.from({ length: 11 }, (_, i) => `https://example.com/${i}.jpg`)), 'body.images'],
    ['active as a string', (b) => (b.active = 'yes'), 'body.active'],
    ['an unknown field', (b) => (b.colour = 'red'), 'body.colour'],
  ])('names the field for %s', async (_case, mutate, field) => {
    const body = structuredClone(productRequest()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    mutate(body);
    const res = conforms(await admin().post('/products').send(body).expect(400));
    expect(res.body.type).toBe('validation-failed');
    expect(res.body.errors.map((error: { field: string }) => error.field)).toContain(field);
  });

  it('validates changes like creations, and refuses an empty change', async () => {
    const created = await createProduct();
    const price = conforms(await admin().patch(`/products/${created.sku}`).send({ price: { amount: 9.99, currency: 'USD' } }).expect(400));
    expect(price.body.errors.map((error: { field: string }) => error.field)).toEqual(['body.price.amount']);
    const sku = conforms(await admin().patch(`/products/${created.sku}`).send({ sku: 'OTHER' }).expect(400));
    expect(sku.body.errors.map((error: { field: string }) => error.field)).toContain('body.sku');
    const empty = conforms(await admin().patch(`/products/${created.sku}`).send({}).expect(400));
    expect(empty.body.errors[0].field).toBe('body');
  });

  it.each([
    ['a zero limit', { limit: '0' }, 'query.limit'],
    ['a fractional offset', { offset: '1.5' }, 'query.offset'],
    ['an unknown sort', { sort: 'price' }, 'query.sort'],
    ['a bad category', { category: 'Mugs' }, 'query.category'],
    ['a bad SKU in a batch', { skus: 'GOOD,bad sku' }, 'query.skus[1]'],
    ['too many SKUs', { skus: Array.from({ length: 101 }, (_, i) => `SKU-${i}`).join(',') }, 'query.skus'],
    ['a long search', { q: 'x'.repeat(201) }, 'query.q'],
    ['includeInactive that is no boolean', { includeInactive: 'yes' }, 'query.includeInactive'],
    ['an unknown parameter', { colour: 'red' }, 'query.colour'],
  ])('refuses %s in the query', async (_case, query, field) => {
    const res = conforms(await anonymous().get('/products').query(query).expect(400));
    expect(res.body.errors.map((error: { field: string }) => error.field)).toContain(field);
  });

  it('refuses a bad SKU in the path', async () => {
    const res = conforms(await anonymous().get('/products/bad%20sku').expect(400));
    expect(res.body.errors[0].field).toBe('params.sku');
  });

  it('refuses an oversized body with 413', async () => {
    const res = conforms(await admin().post('/products').send(productRequest({ description: 'x'.repeat(70_000) })).expect(413));
    expect(res.body.type).toBe('body-too-large');
  });

  it('refuses malformed JSON', async () => {
    const res = conforms(await admin().post('/products').set('Content-Type', 'application/json').send('{"sku":').expect(400));
    expect(res.body.type).toBe('malformed-json');
  });
});
