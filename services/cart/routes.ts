import { Router, type Request } from 'express';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { parseRequest } from '../../platform/http/validate';
import { HttpProblem } from '../../platform/http/problem';
import { hasRole, requireCustomerAccess, requirePrincipal, requireRole } from '../../platform/auth';
import type { ProductCatalog } from './catalog';
import { completeCheckout, getCart, lockForCheckout, releaseCheckout, removeItems, setItemQuantity } from './domain';
import { CheckoutParams, CustomerParams, ItemParams, LockCartRequest, SetQuantityRequest } from './schemas';

/**
 * The items are the customer's to change (and an admin's); support only
 * reads, and no service has a reason to fill someone's cart.
 */
function requireItemChange(req: Request, customerId: string): void {
  const principal = requirePrincipal(req);
  if (hasRole(principal, 'admin') || (hasRole(principal, 'customer') && principal.subject === customerId)) return;
  throw new HttpProblem(403, 'forbidden', 'Not allowed', 'Only the customer (or an admin) can change the items of a cart');
}

/**
 * No Idempotency-Key here: every change is idempotent by nature (set a
 * quantity, remove an item) or by the checkout id it names.
 */
export function cartRoutes(orm: MikroORM, catalog: ProductCatalog): Router {
  const router = Router();
  const em = () => orm.em as EntityManager;
  const freshView = (customerId: string) => getCart(orm.em.fork(), catalog, customerId);

  router.get('/carts/:customerId', async (req, res) => {
    requirePrincipal(req);
    const { customerId } = parseRequest('params', CustomerParams, req.params);
    requireCustomerAccess(req, customerId, 'read');
    res.json(await getCart(em(), catalog, customerId));
  });

  router.put('/carts/:customerId/items/:sku', async (req, res) => {
    requirePrincipal(req);
    const { customerId, sku } = parseRequest('params', ItemParams, req.params);
    requireItemChange(req, customerId);
    const { quantity } = parseRequest('body', SetQuantityRequest, req.body);
    res.json(await setItemQuantity(orm, catalog, customerId, sku, quantity));
  });

  router.delete('/carts/:customerId/items/:sku', async (req, res) => {
    requirePrincipal(req);
    const { customerId, sku } = parseRequest('params', ItemParams, req.params);
    requireItemChange(req, customerId);
    await removeItems(orm, customerId, sku);
    res.json(await freshView(customerId));
  });

  router.delete('/carts/:customerId/items', async (req, res) => {
    requirePrincipal(req);
    const { customerId } = parseRequest('params', CustomerParams, req.params);
    requireItemChange(req, customerId);
    await removeItems(orm, customerId);
    res.json(await freshView(customerId));
  });

  router.post('/carts/:customerId/checkout', async (req, res) => {
    requireRole(req, 'service', 'admin');
    const { customerId } = parseRequest('params', CustomerParams, req.params);
    const { checkoutId } = parseRequest('body', LockCartRequest, req.body);
    res.json(await lockForCheckout(orm, catalog, customerId, checkoutId));
  });

  router.post('/carts/:customerId/checkout/:checkoutId/release', async (req, res) => {
    requireRole(req, 'service', 'admin');
    const { customerId, checkoutId } = parseRequest('params', CheckoutParams, req.params);
    res.json(await releaseCheckout(orm, customerId, checkoutId));
  });

  router.post('/carts/:customerId/checkout/:checkoutId/complete', async (req, res) => {
    requireRole(req, 'service', 'admin');
    const { customerId, checkoutId } = parseRequest('params', CheckoutParams, req.params);
    res.json(await completeCheckout(orm, customerId, checkoutId));
  });

  return router;
}
