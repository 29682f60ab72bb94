import { createServiceApp } from '../../platform/http/app';
import type { ServiceContext } from '../../platform/service-main';
import { deliveryReporter, readAlertAfterMs } from './alerts';
import type { Senders } from './domain';
import { notificationsRoutes } from './routes';
import { loadSpec } from '../../platform/openapi';

export const notificationsSpec: unknown = loadSpec('notifications.yaml');

export function createNotificationsApp({ orm, logger, auth, env }: ServiceContext, senders: Senders) {
  const report = deliveryReporter(logger, readAlertAfterMs(env));
  return createServiceApp({ name: 'notifications', orm, logger, auth, spec: notificationsSpec, routes: notificationsRoutes(orm, senders, report) });
}
