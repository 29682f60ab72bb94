/**
 * The MikroORM request context of every service (platform/http/app.ts): a request that uses the
 * EntityManager gets one fork of its own for the whole request; a request that never touches it
 * (the catalog's product read, on the connection) pays for no fork at all. Real catalog service,
 * its own database.
 */
import { Router } from 'express';
import request from 'supertest';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createServiceApp } from '../../platform/http/app';
import { catalogSpec } from '../../services/catalog/app';
import { catalogService } from '../../services/catalog/main';
import { asAdmin } from '../support/auth';
import { serviceUnderTest, type ServiceUnderTest } from '../support/service';

let service: ServiceUnderTest;

beforeAll(async () => {
  service = await serviceUnderTest(catalogService);
});
afterAll(async () => {
  await service?.close();
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('the request context', () => {
  it('gives each request one fork of its own, the same across awaits, never the global EntityManager', async () => {
    const { orm, context } = service;
    const routes = Router();
    routes.get('/which-em', async (_req, res) => {
      const em = orm.em as EntityManager;
      const first = em.getContext();
      await em.execute('select 1');
      const second = em.getContext();
      res.json({ first: first.id, second: second.id, global: first === orm.em });
    });
    const app = createServiceApp({ name: 'catalog', orm, logger: context.logger, auth: context.auth, spec: catalogSpec, routes });

    const one = await request(app).get('/which-em').expect(200);
    const two = await request(app).get('/which-em').expect(200);
    expect(one.body.global).toBe(false);
    expect(one.body.second).toBe(one.body.first);
    expect(two.body.first).not.toBe(one.body.first);
    expect(two.body.first).not.toBe((orm.em as EntityManager).id);
  });

  it('forks nothing for the catalog product read, and once for a request that uses the EntityManager', async () => {
    const sku = `CTX-${Date.now()}`;
    await request(service.app)
      .post('/products')
      .set('authorization', await asAdmin())
      .send({ sku, name: 'Context mug', price: { amount: 1200, currency: 'USD' }, category: 'mugs' })
      .expect(201);
    const forks = jest.spyOn(service.orm.em, 'fork');

    await request(service.app).get(`/products/${sku}`).expect(200);
    await request(service.app).get('/products/NO-SUCH-SKU').expect(404);
    expect(forks).not.toHaveBeenCalled();

    // The list reads through the request's EntityManager (em.execute): one fork, however many statements.
    await request(service.app).get('/products?category=mugs').expect(200);
    expect(forks).toHaveBeenCalledTimes(1);
  });
});
