import { Router } from 'express';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { mutatingRoute } from '../../platform/http/idempotent-route';
import { parseRequest } from '../../platform/http/validate';
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
    const body = parseRequest('body', CreatePaymentMethodRequest, req.body);
    const method = await createPaymentMethod(em().fork(), provider, body);
    res.status(201).json(toPaymentMethodView(method));
  });

  router.get('/payment-methods/:paymentMethodId', async (req, res) => {
    const { paymentMethodId } = parseRequest('params', PaymentMethodIdParams, req.params);
    res.json(toPaymentMethodView(await getPaymentMethod(em(), paymentMethodId)));
  });

  router.get('/charges', async (req, res) => {
    const query = parseRequest('query', ListChargesQuery, req.query);
    res.json(await listCharges(em(), query));
  });

  router.get('/charges/:chargeId', async (req, res) => {
    const { chargeId } = parseRequest('params', ChargeIdParams, req.params);
    res.json(toChargeView(await getCharge(em(), chargeId)));
  });

  router.post(
    '/charges',
    mutatingRoute(orm, { keyRequired: true }, (req) => {
      const body = parseRequest('body', CreateChargeRequest, req.body);
      return async (tx) => {
        const charge = await createCharge(tx, provider, body);
        // Returned, not thrown: a thrown problem would roll back the failed charge, which is kept on record.
        if (charge.status === 'failed') return { status: 402, body: cardDeclined(charge).toBody() };
        return { status: 201, body: toChargeView(charge) };
      };
    }),
  );

  router.post(
    '/references/:reference/refund',
    mutatingRoute(orm, { keyRequired: false }, (req) => {
      const { reference } = parseRequest('params', ReferenceParams, req.params);
      parseRequest('body', RefundReferenceBody, req.body);
      return async (tx) => ({ status: 200, body: await refundReference(tx, provider, reference) });
    }),
  );

  router.post(
    '/refunds',
    mutatingRoute(orm, { keyRequired: true }, (req) => {
      const body = parseRequest('body', CreateRefundRequest, req.body);
      return async (tx) => ({ status: 201, body: toRefundView(await createRefund(tx, provider, body)) });
    }),
  );

  return router;
}
