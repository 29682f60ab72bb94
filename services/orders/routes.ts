import { Router } from 'express';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { atomicRoute } from '../../platform/http/atomic-route';
import { mutatingRoute } from '../../platform/http/idempotent-route';
import { parseRequest } from '../../platform/http/validate';
import { notFound } from '../../platform/http/problem';
import { hasRole, isStaffOrService, mayAccessCustomer, requireCustomerAccess, requirePrincipal, requireRole } from '../../platform/auth';
import { getCheckoutRecord, recordCheckout, recordCheckoutFailure, toCheckoutRecordView } from './checkout-records';
import { advanceFulfilment, cancelOrder, createOrder, getOrder, listOrders, toOrderView } from './domain';
import {
  CancelOrderRequest,
  CheckoutIdParams,
  CreateOrderRequest,
  ListOrdersQuery,
  OrderIdParams,
  RecordCheckoutFailureRequest,
  RecordCheckoutRequest,
  StatusChangeRequest,
} from './schemas';

export function ordersRoutes(orm: MikroORM): Router {
  const router = Router();
  const em = () => orm.em as EntityManager;

  router.get('/orders', async (req, res) => {
    const principal = requirePrincipal(req);
    const query = parseRequest('query', ListOrdersQuery, req.query);
    // A customer's list is always their own; staff may list anyone's, or everyone's.
    if (!isStaffOrService(principal)) requireCustomerAccess(req, query.customerId ?? principal.subject, 'read');
    const customerId = isStaffOrService(principal) ? query.customerId : principal.subject;
    res.json(await listOrders(em(), { ...query, customerId }));
  });

  router.get('/orders/:orderId', async (req, res) => {
    const principal = requirePrincipal(req);
    const { orderId } = parseRequest('params', OrderIdParams, req.params);
    const order = await getOrder(em(), orderId);
    // Someone else's order is answered as missing, so order ids reveal nothing.
    if (!mayAccessCustomer(principal, order.customerId, 'read')) throw notFound('Order', orderId);
    res.json(toOrderView(order));
  });

  router.put(
    '/orders/:orderId',
    atomicRoute(orm, (req) => {
      requireRole(req, 'service', 'admin');
      const { orderId } = parseRequest('params', OrderIdParams, req.params);
      const body = parseRequest('body', CreateOrderRequest, req.body);
      return async (tx) => {
        const { order, created } = await createOrder(tx, orderId, body);
        return { status: created ? 201 : 200, body: toOrderView(order) };
      };
    }),
  );

  router.post(
    '/orders/:orderId/cancel',
    mutatingRoute(orm, { keyRequired: false }, (req) => {
      const principal = requireRole(req, 'service', 'admin');
      const { orderId } = parseRequest('params', OrderIdParams, req.params);
      const body = parseRequest('body', CancelOrderRequest, req.body);
      // A service cancelling is the checkout compensating, and the checkout notifies the customer itself.
      const notifyCustomer = !hasRole(principal, 'service');
      return async (tx) => ({ status: 200, body: await cancelOrder(tx, orderId, body.reason, { notifyCustomer }) });
    }),
  );

  for (const [step, target] of [
    ['ship', 'shipped'],
    ['deliver', 'delivered'],
  ] as const) {
    router.post(
      `/orders/:orderId/${step}`,
      mutatingRoute(orm, { keyRequired: false }, (req) => {
        requireRole(req, 'admin', 'service');
        const { orderId } = parseRequest('params', OrderIdParams, req.params);
        const body = parseRequest('body', StatusChangeRequest, req.body);
        return async (tx) => ({ status: 200, body: toOrderView(await advanceFulfilment(tx, orderId, target, body.note)) });
      }),
    );
  }

  router.get('/checkouts/:checkoutId', async (req, res) => {
    const principal = requirePrincipal(req);
    const { checkoutId } = parseRequest('params', CheckoutIdParams, req.params);
    const record = await getCheckoutRecord(em(), checkoutId);
    if (!mayAccessCustomer(principal, record.customerId, 'read')) throw notFound('Checkout', checkoutId);
    res.json(toCheckoutRecordView(record));
  });

  router.put(
    '/checkouts/:checkoutId',
    atomicRoute(orm, (req) => {
      requireRole(req, 'service', 'admin');
      const { checkoutId } = parseRequest('params', CheckoutIdParams, req.params);
      const body = parseRequest('body', RecordCheckoutRequest, req.body);
      return async (tx) => {
        const { record, created } = await recordCheckout(tx, checkoutId, body);
        return { status: created ? 201 : 200, body: toCheckoutRecordView(record) };
      };
    }),
  );

  router.post(
    '/checkouts/:checkoutId/failure',
    atomicRoute(orm, (req) => {
      requireRole(req, 'service', 'admin');
      const { checkoutId } = parseRequest('params', CheckoutIdParams, req.params);
      const body = parseRequest('body', RecordCheckoutFailureRequest, req.body);
      return async (tx) => ({ status: 200, body: toCheckoutRecordView(await recordCheckoutFailure(tx, checkoutId, body)) });
    }),
  );

  return router;
}
