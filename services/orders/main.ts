// First: tracing (when configured) must patch http, express and pg before they load.
import '../../platform/telemetry/preload';
import { startIdempotencyPurge } from '../../platform/idempotency';
import { runServiceMain, type ServiceDefinition } from '../../platform/service-main';
import { createOrdersApp } from './app';
import { ordersEntities } from './entities';
import { ordersMigrations } from './migrations';
import { deliverThroughNotifications, startOrderEventRelay } from './notifier';
import { reportOutbox } from './metrics';
import { createNotificationsClient } from '../notifications/client';
import { serviceUrl } from '../../platform/services';
import { SERVICE_HTTP_TIMEOUT_MS } from '../../temporal.config';

export const ordersService: ServiceDefinition = {
  name: 'orders',
  database: { entities: ordersEntities, migrations: ordersMigrations },
  createApp: createOrdersApp,
  registerMetrics: ({ orm }) => reportOutbox(orm),
  // Status changes reach the customer through the notifications service, from the outbox.
  startBackgroundJobs: ({ orm, logger, env, serviceToken }) => {
    const notifications = createNotificationsClient(serviceUrl('notifications', env), { timeoutMs: SERVICE_HTTP_TIMEOUT_MS, accessToken: serviceToken });
    return [startOrderEventRelay(orm, deliverThroughNotifications(notifications), logger), startIdempotencyPurge(orm, logger)];
  },
};

if (require.main === module) runServiceMain(ordersService);
