// First: tracing (when configured) must patch http, express and pg before they load.
import '../../platform/telemetry/preload';
import { startIdempotencyPurge } from '../../platform/idempotency';
import { runServiceMain, type ServiceContext, type ServiceDefinition } from '../../platform/service-main';
import { createNotificationsApp } from './app';
import { channelsFromConfig, type DeliveryChannels } from './channels';
import { notificationsEntities } from './entities';
import { deliveryReporter, readAlertAfterMs } from './alerts';
import { startDeliveryRetrier } from './jobs';
import { notificationsMigrations } from './migrations';
import { reportFailingDeliveries } from './metrics';

/**
 * The service with its ways out (tests pass their own). Each running instance
 * (each context) gets its own channels (a pooled SMTP transport); the app and
 * the retry job share them, and stopping the jobs closes them.
 */
export function defineNotificationsService(channelsFor: (context: ServiceContext) => DeliveryChannels = channelsFromConfig): ServiceDefinition {
  const built = new WeakMap<ServiceContext, DeliveryChannels>();
  const channels = (context: ServiceContext) => {
    let existing = built.get(context);
    if (!existing) {
      existing = channelsFor(context);
      built.set(context, existing);
    }
    return existing;
  };
  return {
    name: 'notifications',
    database: { entities: notificationsEntities, migrations: notificationsMigrations },
    createApp: (context) => createNotificationsApp(context, channels(context)),
    registerMetrics: ({ orm }) => reportFailingDeliveries(orm),
    startBackgroundJobs: (context) => {
      const report = deliveryReporter(context.logger, readAlertAfterMs(context.env));
      const retrier = startDeliveryRetrier(context.orm, channels(context), context.logger, report);
      return [
        {
          // The retrier first: a pass under way still needs the SMTP connections.
          async stop() {
            await retrier.stop();
            await channels(context).close();
          },
        },
        startIdempotencyPurge(context.orm, context.logger),
      ];
    },
  };
}

// Configuration is read when the service starts, not on import, so importing this module never fails on it.
export const notificationsService = defineNotificationsService();

if (require.main === module) runServiceMain(notificationsService);
