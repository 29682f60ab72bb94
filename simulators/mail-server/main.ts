/**
 * The mail server simulator as its own process: an SMTP server (port 2525,
 * MAIL_SERVER_SMTP_PORT) and its HTTP API (port 3091, MAIL_SERVER_PORT) over
 * its own database (`sim_mail_server`, migrated on start). `npm start` runs it
 * and points the notifications service's SMTP_URL at it; alone:
 * `node --import tsx simulators/mail-server/main.ts`.
 */
import type { Server } from 'node:http';
import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { listenDraining, shutdownDrainMs } from '../../platform/http/server';
import { createLogger } from '../../platform/logger';
import { mailServerSmtpPort, simulatorDatabaseUrl, simulatorPort } from '../../platform/services';
import { createMailServerApp } from './app';
import { mailServerEntities } from './entities';
import { mailServerMigrations } from './migrations';
import { startSmtpServer } from './smtp';
import { openSimulatorDatabase, readSimulatorConfig, runSimulatorMain } from '../simulator';

export const mailServerDatabase = { entities: mailServerEntities, migrations: mailServerMigrations };

const port = (name: string) =>
  z
    .number({ error: `${name} must be a port number (0 for any free one)` })
    .int(`${name} must be a port number (0 for any free one)`)
    .min(0, `${name} must be a port number (0 for any free one)`)
    .max(65535, `${name} must be a port number (0 for any free one)`);

export function readMailServerConfig(env: Record<string, string | undefined>) {
  return readSimulatorConfig(
    'mail-server',
    z.object({
      databaseUrl: z.url({ message: 'no database configured: set DATABASE_URL (the PostgreSQL server; the simulator uses its own database on it) or MAIL_SERVER_DATABASE_URL' }),
      port: port('MAIL_SERVER_PORT (or PORT)'),
      smtpPort: port('MAIL_SERVER_SMTP_PORT'),
      host: z.string().min(1),
    }),
    {
      databaseUrl: simulatorDatabaseUrl('mail-server', env),
      port: simulatorPort('mail-server', env),
      smtpPort: mailServerSmtpPort(env),
      host: env.HOST || '127.0.0.1',
    },
  );
}

export interface RunningMailServer {
  /** The HTTP API. */
  url: string;
  /** Where to send mail, e.g. smtp://127.0.0.1:2525. */
  smtpUrl: string;
  orm: MikroORM;
  server: Server;
  stop(): Promise<void>;
}

export async function startMailServer(env: Record<string, string | undefined> = process.env): Promise<RunningMailServer> {
  const logger = createLogger('mail-server');
  const config = readMailServerConfig(env);
  const orm = await openSimulatorDatabase('mail-server', config.databaseUrl, mailServerDatabase, logger);
  const smtp = await startSmtpServer(orm, { port: config.smtpPort, host: config.host, logger }).catch(async (error: unknown) => {
    await orm.close();
    throw new Error(`mail-server: cannot listen for SMTP on ${config.host}:${config.smtpPort} (MAIL_SERVER_SMTP_PORT): ${String(error)}`, { cause: error });
  });
  const http = await listenDraining({
    app: createMailServerApp({ orm, logger }),
    port: config.port,
    host: config.host,
    name: 'the mail server simulator',
    drainMs: shutdownDrainMs(env),
  }).catch(async (error: unknown) => {
    await smtp.close();
    await orm.close();
    throw error;
  });
  const smtpUrl = `smtp://${config.host.includes(':') ? `[${config.host}]` : config.host}:${smtp.port}`;
  logger.info({ url: http.url, smtpUrl }, 'mail server simulator listening');
  let stopping: Promise<void> | undefined;
  return {
    url: http.url,
    smtpUrl,
    orm,
    server: http.server,
    stop: () => {
      if (stopping) {
        void http.shutdown();
        return stopping;
      }
      // SMTP first: a message being received still needs the database.
      stopping = Promise.all([smtp.close(), http.shutdown()])
        .then(() => orm.close())
        .then(() => logger.info('mail server simulator stopped'));
      return stopping;
    },
  };
}

if (require.main === module) runSimulatorMain('mail-server', 'the mail server simulator', startMailServer);
