import { Router } from 'express';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { mutatingRoute } from '../../platform/http/idempotent-route';
import { parseRequest } from '../../platform/http/validate';
import type { Logger } from '../../platform/logger';
import { attemptDelivery, getNotification, listNotifications, recordNotification, toNotificationView } from './domain';
import type { Mailer } from './mailer';
import { ListNotificationsQuery, NotificationIdParams, SendNotificationRequest } from './schemas';
import { renderTemplate } from './templates';

export function notificationsRoutes(orm: MikroORM, mailer: Mailer, logger: Logger): Router {
  const router = Router();
  const em = () => orm.em as EntityManager;

  router.get('/notifications', async (req, res) => {
    const query = parseRequest('query', ListNotificationsQuery, req.query);
    res.json(await listNotifications(em(), query));
  });

  router.get('/notifications/:notificationId', async (req, res) => {
    const { notificationId } = parseRequest('params', NotificationIdParams, req.params);
    res.json(toNotificationView(await getNotification(em(), notificationId)));
  });

  router.post(
    '/notifications',
    mutatingRoute(orm, { keyRequired: true }, (req) => {
      const body = parseRequest('body', SendNotificationRequest, req.body);
      const message = renderTemplate(body.template, body.data);
      return async (tx) => {
        const { notification, created } = await recordNotification(tx, body, message);
        if (!created) return { status: 200, body: toNotificationView(notification) };
        return {
          status: 201,
          body: toNotificationView(notification),
          // The first attempt, once the notification is safely stored; the retry job does the rest.
          afterCommit: async () => {
            const attempted = await attemptDelivery(orm.em.fork() as EntityManager, mailer, notification.id);
            if (attempted.status === 'failed') {
              logger.warn({ notificationId: attempted.id, error: attempted.lastError }, 'delivery failed; the retry job will try again');
            }
            return { status: 201, body: toNotificationView(attempted) };
          },
        };
      };
    }),
  );

  return router;
}
