import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { createServiceApp } from '../../platform/http/app';
import type { ServiceContext } from '../../platform/service-main';
import { deliveryReporter, readAlertAfterMs } from './alerts';
import type { Senders } from './domain';
import { notificationsRoutes } from './routes';

export const notificationsSpec: unknown = parse(readFileSync(path.resolve(__dirname, '../../openapi/notifications.yaml'), 'utf8'));

export function createNotificationsApp({ orm, logger, auth, env }: ServiceContext, senders: Senders) {
  const report = deliveryReporter(logger, readAlertAfterMs(env));
  return createServiceApp({ name: 'notifications', orm, logger, auth, spec: notificationsSpec, routes: notificationsRoutes(orm, senders, report) });
}
