import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import { parse } from 'yaml';
import { createServiceApp } from '../../platform/http/app';
import type { Logger } from '../../platform/logger';
import type { Mailer } from './mailer';
import { notificationsRoutes } from './routes';

export const notificationsSpec: unknown = parse(readFileSync(path.resolve(__dirname, '../../openapi/notifications.yaml'), 'utf8'));

export function createNotificationsApp(orm: MikroORM, logger: Logger, mailer: Mailer) {
  return createServiceApp({ name: 'notifications', orm, logger, spec: notificationsSpec, routes: notificationsRoutes(orm, mailer, logger) });
}
