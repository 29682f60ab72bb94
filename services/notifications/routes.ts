import { Router } from 'express';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { isStaffOrService, mayAccessCustomer, requireCustomerAccess, requirePrincipal, requireRole } from '../../platform/auth';
import { mutatingRoute } from '../../platform/http/idempotent-route';
import { notFound } from '../../platform/http/problem';
import { parseRequest } from '../../platform/http/validate';
import type { Logger } from '../../platform/logger';
import {
  attemptAllDeliveries,
  getNotification,
  listMailboxMessages,
  listNotifications,
  listSmsMessages,
  recordNotification,
  toNotificationView,
  type Senders,
} from './domain';
import { ListMailboxMessagesQuery, ListNotificationsQuery, ListSmsQuery, NotificationIdParams, SendNotificationRequest } from './schemas';
import { renderTemplate } from './templates';

export function notificationsRoutes(orm: MikroORM, senders: Senders, logger: Logger): Router {
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
        const notificationId = recorded.notification.id;
        return {
          status: 201,
          body: toNotificationView(recorded),
          // The first attempts, once the notification is safely stored; the retry job does the rest.
          afterCommit: async () => {
            const attempted = await attemptAllDeliveries(orm.em.fork() as EntityManager, senders, notificationId);
            const failed = attempted.deliveries.filter((delivery) => delivery.status !== 'sent');
            if (failed.length > 0) {
              logger.warn(
                { notificationId, failed: failed.map((delivery) => ({ channel: delivery.channel, error: delivery.lastError })) },
                'delivery failed; the retry job will try again',
              );
            }
            return { status: 201, body: toNotificationView(attempted) };
          },
        };
      };
    }),
  );

  router.get('/mailbox/messages', async (req, res) => {
    requireRole(req, 'support', 'admin', 'service');
    const query = parseRequest('query', ListMailboxMessagesQuery, req.query);
    res.json(await listMailboxMessages(em(), query));
  });

  router.get('/mailbox/sms', async (req, res) => {
    requireRole(req, 'support', 'admin', 'service');
    const query = parseRequest('query', ListSmsQuery, req.query);
    res.json(await listSmsMessages(em(), query));
  });

  return router;
}
