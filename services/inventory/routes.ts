import { Router } from 'express';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { atomicRoute } from '../../platform/http/atomic-route';
import { mutatingRoute } from '../../platform/http/idempotent-route';
import { parseRequest } from '../../platform/http/validate';
import {
  adjustStock,
  commitReservation,
  extendReservation,
  getStock,
  listStock,
  releaseReservation,
  reserve,
  setStock,
  toReservationView,
  toStockLevel,
} from './domain';
import { Reservation } from './entities';
import { notFound } from '../../platform/http/problem';
import { requireRole } from '../../platform/auth';
import { ExtendReservationRequest, ListStockQuery, ReservationIdParams, ReserveRequest, SetStockRequest, SkuParams, StockAdjustmentRequest } from './schemas';

export function inventoryRoutes(orm: MikroORM): Router {
  const router = Router();
  const em = () => orm.em as EntityManager;

  router.get('/stock', async (req, res) => {
    const query = parseRequest('query', ListStockQuery, req.query);
    res.json(await listStock(em(), { skus: query.sku, limit: query.limit, offset: query.offset }));
  });

  router.get('/stock/:sku', async (req, res) => {
    const { sku } = parseRequest('params', SkuParams, req.params);
    res.json(toStockLevel(await getStock(em(), sku)));
  });

  router.put(
    '/stock/:sku',
    mutatingRoute(orm, { keyRequired: false }, (req) => {
      requireRole(req, 'admin', 'service');
      const { sku } = parseRequest('params', SkuParams, req.params);
      const body = parseRequest('body', SetStockRequest, req.body);
      return async (tx) => ({ status: 200, body: toStockLevel(await setStock(tx, sku, body.onHand)) });
    }),
  );

  router.post(
    '/stock/:sku/adjustments',
    mutatingRoute(orm, { keyRequired: true }, (req) => {
      requireRole(req, 'admin', 'service');
      const { sku } = parseRequest('params', SkuParams, req.params);
      const body = parseRequest('body', StockAdjustmentRequest, req.body);
      return async (tx) => ({ status: 200, body: toStockLevel(await adjustStock(tx, sku, body.delta)) });
    }),
  );

  // Reservations are the checkout's business: services and staff only.
  router.get('/reservations/:reservationId', async (req, res) => {
    requireRole(req, 'admin', 'support', 'service');
    const { reservationId } = parseRequest('params', ReservationIdParams, req.params);
    const reservation = await em().findOne(Reservation, { id: reservationId });
    if (!reservation) throw notFound('Reservation', reservationId);
    res.json(toReservationView(reservation));
  });

  router.put(
    '/reservations/:reservationId',
    atomicRoute(orm, (req) => {
      requireRole(req, 'admin', 'service');
      const { reservationId } = parseRequest('params', ReservationIdParams, req.params);
      const body = parseRequest('body', ReserveRequest, req.body);
      return async (tx) => {
        const { reservation, created } = await reserve(tx, reservationId, body.lines, body.ttlSeconds);
        return { status: created ? 201 : 200, body: toReservationView(reservation) };
      };
    }),
  );

  router.post(
    '/reservations/:reservationId/commit',
    atomicRoute(orm, (req) => {
      requireRole(req, 'admin', 'service');
      const { reservationId } = parseRequest('params', ReservationIdParams, req.params);
      return async (tx) => ({ status: 200, body: toReservationView(await commitReservation(tx, reservationId)) });
    }),
  );

  router.post(
    '/reservations/:reservationId/extend',
    mutatingRoute(orm, { keyRequired: false }, (req) => {
      requireRole(req, 'admin', 'service');
      const { reservationId } = parseRequest('params', ReservationIdParams, req.params);
      const body = parseRequest('body', ExtendReservationRequest, req.body);
      return async (tx) => ({ status: 200, body: toReservationView(await extendReservation(tx, reservationId, body.ttlSeconds)) });
    }),
  );

  router.post(
    '/reservations/:reservationId/release',
    atomicRoute(orm, (req) => {
      requireRole(req, 'admin', 'service');
      const { reservationId } = parseRequest('params', ReservationIdParams, req.params);
      return async (tx) => ({ status: 200, body: toReservationView(await releaseReservation(tx, reservationId)) });
    }),
  );

  return router;
}
