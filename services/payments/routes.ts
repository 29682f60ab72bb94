import { Router } from 'express';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { parseRequest } from '../../platform/http/validate';
import { notFound } from '../../platform/http/problem';
import { hasRole, isStaffOrService, mayAccessCustomer, requireCustomerAccess, requirePrincipal, requireRole } from '../../platform/auth';
import {
  cardDeclined,
  createCharge,
  createPaymentMethod,
  createRefund,
  getCharge,
  getPaymentMethod,
  listCharges,
  refundReference,
  toChargeView,
  toPaymentMethodView,
  toRefundView,
} from './domain';
import type { PaymentProvider } from './provider';
import { resumableRoute } from './resumable-route';
import {
  ChargeIdParams,
  CreateChargeRequest,
  CreatePaymentMethodRequest,
  CreateRefundRequest,
  ListChargesQuery,
  PaymentMethodIdParams,
  ReferenceParams,
  RefundReferenceBody,
} from './schemas';

export function paymentsRoutes(orm: MikroORM, provider: PaymentProvider): Router {
  const router = Router();
  const em = () => orm.em as EntityManager;

  // Deliberately not a mutatingRoute: an Idempotency-Key would keep a fingerprint of the card data.
  router.post('/payment-methods', async (req, res) => {
    const principal = requireRole(req, 'customer', 'admin', 'service');
    const body = parseRequest('body', CreatePaymentMethodRequest, req.body);
    // A customer's card is always their own; admins and services may tokenise for anyone.
    if (!hasRole(principal, 'admin', 'service')) requireCustomerAccess(req, body.customerId ?? principal.subject, 'write');
    const customerId = hasRole(principal, 'admin', 'service') ? body.customerId : principal.subject;
    const method = await createPaymentMethod(em().fork(), provider, { ...body, ...(customerId ? { customerId } : {}) });
    res.status(201).json(toPaymentMethodView(method));
  });

  router.get('/payment-methods/:paymentMethodId', async (req, res) => {
    const principal = requirePrincipal(req);
    const { paymentMethodId } = parseRequest('params', PaymentMethodIdParams, req.params);
    const method = await getPaymentMethod(em(), paymentMethodId);
    const visible = isStaffOrService(principal) || (!!method.customerId && mayAccessCustomer(principal, method.customerId, 'read'));
    if (!visible) throw notFound('Payment method', paymentMethodId);
    res.json(toPaymentMethodView(method));
  });

  router.get('/charges', async (req, res) => {
    const principal = requirePrincipal(req);
    const query = parseRequest('query', ListChargesQuery, req.query);
    if (!isStaffOrService(principal)) requireCustomerAccess(req, query.customerId ?? principal.subject, 'read');
    const customerId = isStaffOrService(principal) ? query.customerId : principal.subject;
    res.json(await listCharges(em(), { ...query, customerId }));
  });

  router.get('/charges/:chargeId', async (req, res) => {
    const principal = requirePrincipal(req);
    const { chargeId } = parseRequest('params', ChargeIdParams, req.params);
    const charge = await getCharge(em(), chargeId);
    if (!mayAccessCustomer(principal, charge.customerId, 'read')) throw notFound('Charge', chargeId);
    res.json(toChargeView(charge));
  });

  router.post(
    '/charges',
    resumableRoute(orm, { keyRequired: true }, (req) => {
      requireRole(req, 'service', 'admin');
      const body = parseRequest('body', CreateChargeRequest, req.body);
      return async (requestedBy) => {
        // The key is required, so the work always knows whose request it is.
        const charge = await createCharge(orm, provider, { ...body, requestedBy: requestedBy! });
        // An answer, not a thrown problem: the failed charge is kept on record.
        if (charge.status === 'failed') return { status: 402, body: cardDeclined(charge).toBody() };
        return { status: 201, body: toChargeView(charge) };
      };
    }),
  );

  router.post(
    '/references/:reference/refund',
    resumableRoute(orm, { keyRequired: false }, (req) => {
      requireRole(req, 'service', 'admin');
      const { reference } = parseRequest('params', ReferenceParams, req.params);
      parseRequest('body', RefundReferenceBody, req.body);
      return async (requestedBy) => ({ status: 200, body: await refundReference(orm, provider, reference, requestedBy) });
    }),
  );

  router.post(
    '/refunds',
    resumableRoute(orm, { keyRequired: true }, (req) => {
      requireRole(req, 'service', 'admin');
      const body = parseRequest('body', CreateRefundRequest, req.body);
      return async (requestedBy) => ({ status: 201, body: toRefundView(await createRefund(orm, provider, body, requestedBy!)) });
    }),
  );

  return router;
}
