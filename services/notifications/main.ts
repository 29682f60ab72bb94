import { runServiceMain, type ServiceDefinition } from '../../platform/service-main';
import { createNotificationsApp } from './app';
import { notificationsEntities } from './entities';
import { startDeliveryRetrier } from './jobs';
import { mailerFromEnv, type Mailer } from './mailer';
import { notificationsMigrations } from './migrations';

/** The service with a given mailer (tests pass a recording one); the app and the retry job share it. */
export function defineNotificationsService(mailer: () => Mailer): ServiceDefinition {
  return {
    name: 'notifications',
    database: { entities: notificationsEntities, migrations: notificationsMigrations },
    createApp: (context) => createNotificationsApp(context, mailer()),
    startBackgroundJobs: ({ orm, logger }) => [startDeliveryRetrier(orm, mailer(), logger)],
  };
}

let envMailer: Mailer | undefined;
// Read when the service starts, not on import, so importing this module never fails on mail configuration.
export const notificationsService = defineNotificationsService(() => (envMailer ??= mailerFromEnv()));

if (require.main === module) runServiceMain(notificationsService);
