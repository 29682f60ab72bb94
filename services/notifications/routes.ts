import { Router } from 'express';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { isStaffOrService, mayAccessCustomer, requireCustomerAccess, requirePrincipal, requireRole } from '../../platform/auth';
import { mutatingRoute } from '../../platform/http/idempotent-route';
import { notFound } from '../../platform/http/problem';
import { parseRequest } from '../../platform/http/validate';
import type { DeliveryReporter } from './alerts';
import {
  attemptFirstDeliveries,
  attemptDelivery,
  claimForRedrive,
  getDelivery,
  getNotification,
  listDeliveries,
  listNotifications,
  listSmsMessages,
  recordNotification,
  toDeliveryDetail,
  toNotificationView,
  type Senders,
} from './domain';
import {
  DeliveryIdParams,
  ListDeliveriesQuery,
  ListNotificationsQuery,
  ListSmsQuery,
  NotificationIdParams,
  SendNotificationRequest,
} from './schemas';
import { renderTemplate } from './templates';
import type { components } from './api.gen';

type RedriveResult = components['schemas']['RedriveResult'];
const redriveResult = (outcome: RedriveResult['outcome'], delivery: RedriveResult['delivery']): RedriveResult => ({ outcome, delivery });

export function notificationsRoutes(orm: MikroORM, senders: Senders, report: DeliveryReporter): Router {
  const router = Router();
  const em = () => orm.em as EntityManager;

  router.get('/notifications', async (req, res) => {
    const principal = requirePrincipal(req);
    const query = parseRequest('query', ListNotificationsQuery, req.query);
    // A customer's list is always their own; staff and services may list anyone's, or everyone's.
    if (!isStaffOrService(principal)) requireCustomerAccess(req, query.customerId ?? principal.subject, 'read');
    const customerId = isStaffOrService(principal) ? query.customerId : principal.subject;
    res.json(await listNotifications(em(), { ...query, customerId }));
  });

  router.get('/notifications/:notificationId', async (req, res) => {
    const principal = requirePrincipal(req);
    const { notificationId } = parseRequest('params', NotificationIdParams, req.params);
    const found = await getNotification(em(), notificationId);
    // Someone else's notification is answered as missing, so ids reveal nothing.
    if (!mayAccessCustomer(principal, found.notification.customerId, 'read')) throw notFound('Notification', notificationId);
    res.json(toNotificationView(found));
  });

  router.post(
    '/notifications',
    mutatingRoute(orm, { keyRequired: true }, (req) => {
      requireRole(req, 'service', 'admin');
      const body = parseRequest('body', SendNotificationRequest, req.body);
      const message = renderTemplate(body.template, body.data);
      return async (tx) => {
        const recorded = await recordNotification(tx, body, message);
        if (!recorded.created) return { status: 200, body: toNotificationView(recorded) };
        return {
          status: 201,
          body: toNotificationView(recorded),
          // The first attempts, once the notification is safely stored; the retry job does the rest.
          afterCommit: async () => {
            const attempted = await attemptFirstDeliveries(orm.em.fork() as EntityManager, senders, recorded);
            for (const delivery of attempted.attempted) report(delivery, 'first attempt');
            return { status: 201, body: toNotificationView(attempted) };
          },
        };
      };
    }),
  );

  router.get('/deliveries', async (req, res) => {
    requireRole(req, 'support', 'admin');
    const query = parseRequest('query', ListDeliveriesQuery, req.query);
    res.json(await listDeliveries(em(), query));
  });

  router.get('/deliveries/:deliveryId', async (req, res) => {
    requireRole(req, 'support', 'admin');
    const { deliveryId } = parseRequest('params', DeliveryIdParams, req.params);
    res.json(toDeliveryDetail(await getDelivery(em(), deliveryId)));
  });

  router.post(
    '/deliveries/:deliveryId/redrive',
    mutatingRoute(orm, { keyRequired: false }, (req) => {
      requireRole(req, 'support', 'admin');
      const { deliveryId } = parseRequest('params', DeliveryIdParams, req.params);
      return async (tx) => {
        // The claim commits before the attempt starts, so the job and other re-drives see it and keep off.
        const claim = await claimForRedrive(tx, deliveryId);
        const delivery = toDeliveryDetail(await getDelivery(tx, deliveryId));
        if (claim === 'already-sent') return { status: 200, body: redriveResult(claim, delivery) };
        if (claim === 'in-progress') return { status: 202, body: redriveResult(claim, delivery) };
        return {
          status: 202,
          body: redriveResult('in-progress', delivery),
          afterCommit: async () => {
            const attempted = await attemptDelivery(orm.em.fork() as EntityManager, senders, deliveryId);
            report(attempted, 'redrive');
            return { status: 200, body: redriveResult(attempted.status === 'sent' ? 'sent' : 'failed', toDeliveryDetail(attempted)) };
          },
        };
      };
    }),
  );

  router.get('/mailbox/sms', async (req, res) => {
    requireRole(req, 'support', 'admin', 'service');
    const query = parseRequest('query', ListSmsQuery, req.query);
    res.json(await listSmsMessages(em(), query));
  });

  return router;
}
