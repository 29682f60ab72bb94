/**
 * The payment provider simulator as its own process: its own database
 * (`sim_payment_provider`, migrated on start), its own port (3090). `npm start`
 * runs it; alone: `node --import tsx simulators/payment-provider/main.ts`.
 */
import type { Server } from 'node:http';
import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { prepareServiceDatabaseWhenReachable } from '../../platform/db';
import { listenDraining, shutdownDrainMs, stopOnSignals } from '../../platform/http/server';
import { createLogger, exitOnUnhandledErrors } from '../../platform/logger';
import { redact } from '../../platform/postgres';
import { simulatorDatabaseUrl, simulatorPort } from '../../platform/services';
import { createPaymentProviderApp } from './app';
import { LOCAL_API_KEY } from './client';
import { paymentProviderEntities } from './entities';
import { paymentProviderMigrations } from './migrations';
import { outageSwitch, type OutageSwitch } from './routes';

export const paymentProviderDatabase = { entities: paymentProviderEntities, migrations: paymentProviderMigrations };

export function readPaymentProviderConfig(env: Record<string, string | undefined>) {
  const parsed = z
    .object({
      databaseUrl: z.url({ message: 'no database configured: set DATABASE_URL (the PostgreSQL server; the simulator uses its own database on it) or PAYMENT_PROVIDER_DATABASE_URL' }),
      port: z.number().int().min(0).max(65535),
      host: z.string().min(1),
      apiKey: z.string().regex(/^sk_[A-Za-z0-9_]{8,200}$/, 'PAYMENT_PROVIDER_API_KEY must look like a secret key: sk_ and 8-200 letters, digits or "_"'),
    })
    .safeParse({
      databaseUrl: simulatorDatabaseUrl('payment-provider', env),
      port: simulatorPort('payment-provider', env),
      host: env.HOST || '127.0.0.1',
      apiKey: env.PAYMENT_PROVIDER_API_KEY || LOCAL_API_KEY,
    });
  if (!parsed.success) {
    throw new Error(`payment-provider: invalid configuration\n${parsed.error.issues.map((issue) => `  - ${issue.path.join('.')}: ${issue.message}`).join('\n')}`);
  }
  return parsed.data;
}

export interface RunningPaymentProvider {
  url: string;
  orm: MikroORM;
  server: Server;
  outage: OutageSwitch;
  stop(): Promise<void>;
}

export async function startPaymentProvider(env: Record<string, string | undefined> = process.env): Promise<RunningPaymentProvider> {
  const logger = createLogger('payment-provider');
  const config = readPaymentProviderConfig(env);
  // Like a service: waits for its database rather than exiting, and drains on shutdown.
  const orm = await prepareServiceDatabaseWhenReachable(config.databaseUrl, paymentProviderDatabase, logger).catch((error: unknown) => {
    throw new Error(`payment-provider: cannot open its database at ${redact(config.databaseUrl)}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  });
  const outage = outageSwitch(env);
  const app = createPaymentProviderApp({ orm, logger, apiKey: config.apiKey, outage });
  const http = await listenDraining({ app, port: config.port, host: config.host, name: 'the payment provider simulator', drainMs: shutdownDrainMs(env) });
  logger.info({ url: http.url }, 'payment provider simulator listening');
  let stopping: Promise<void> | undefined;
  return {
    url: http.url,
    orm,
    server: http.server,
    outage,
    stop: () => {
      if (stopping) {
        void http.shutdown();
        return stopping;
      }
      stopping = http
        .shutdown()
        .then(() => orm.close())
        .then(() => logger.info('payment provider simulator stopped'));
      return stopping;
    },
  };
}

if (require.main === module) {
  const logger = createLogger('payment-provider');
  exitOnUnhandledErrors(logger);
  startPaymentProvider().then(
    (running) => stopOnSignals(running.stop, logger),
    (error: unknown) => {
      logger.fatal({ err: error }, 'the payment provider simulator could not start');
      process.exit(1);
    },
  );
}
