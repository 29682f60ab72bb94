import { Router, type Request } from 'express';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { mutatingRoute } from '../../platform/http/idempotent-route';
import { parseRequest } from '../../platform/http/validate';
import { hasRole, requireRole } from '../../platform/auth';
import { createProduct, listCategories, listProducts, readProduct, setProductActive, toProductView, updateProduct } from './domain';
import { CreateProductRequest, ListProductsQuery, SkuParams, UpdateProductRequest } from './schemas';

/** The cart (a service) must see deactivated products to tell the customer; admins manage them. */
const maySeeInactive = (req: Request) => req.principal !== undefined && hasRole(req.principal, 'admin', 'service');

export function catalogRoutes(orm: MikroORM): Router {
  const router = Router();
  const em = () => orm.em as EntityManager;

  router.get('/products', async (req, res) => {
    const query = parseRequest('query', ListProductsQuery, req.query);
    if (query.includeInactive) requireRole(req, 'admin', 'service');
    res.json(await listProducts(em(), query));
  });

  router.get('/products/:sku', async (req, res) => {
    const { sku } = parseRequest('params', SkuParams, req.params);
    res.json(await readProduct(orm.em.getConnection(), sku, { includeInactive: maySeeInactive(req) }));
  });

  router.get('/categories', async (_req, res) => {
    res.json(await listCategories(em()));
  });

  router.post(
    '/products',
    mutatingRoute(orm, { keyRequired: false }, (req) => {
      requireRole(req, 'admin');
      const body = parseRequest('body', CreateProductRequest, req.body);
      return async (tx) => ({ status: 201, body: toProductView(await createProduct(tx, body)) });
    }),
  );

  router.patch(
    '/products/:sku',
    mutatingRoute(orm, { keyRequired: false }, (req) => {
      requireRole(req, 'admin');
      const { sku } = parseRequest('params', SkuParams, req.params);
      const body = parseRequest('body', UpdateProductRequest, req.body);
      return async (tx) => ({ status: 200, body: toProductView(await updateProduct(tx, sku, body)) });
    }),
  );

  for (const [action, active] of [
    ['deactivate', false],
    ['activate', true],
  ] as const) {
    router.post(
      `/products/:sku/${action}`,
      mutatingRoute(orm, { keyRequired: false }, (req) => {
        requireRole(req, 'admin');
        const { sku } = parseRequest('params', SkuParams, req.params);
        return async (tx) => ({ status: 200, body: toProductView(await setProductActive(tx, sku, active)) });
      }),
    );
  }

  return router;
}
