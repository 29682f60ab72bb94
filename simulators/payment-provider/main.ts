/**
 * The payment provider simulator as its own process: its own database
 * (`sim_payment_provider`, migrated on start), its own port (3090). `npm start`
 * runs it; alone: `node --import tsx simulators/payment-provider/main.ts`.
 */
import type { Server } from 'node:http';
import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { listenDraining, shutdownDrainMs } from '../../platform/http/server';
import { createLogger } from '../../platform/logger';
import { simulatorDatabaseUrl, simulatorPort } from '../../platform/services';
import { createPaymentProviderApp } from './app';
import { LOCAL_API_KEY } from './client';
import { paymentProviderEntities } from './entities';
import { paymentProviderMigrations } from './migrations';
import { outageSwitch, type OutageSwitch } from './routes';
import { openSimulatorDatabase, readSimulatorConfig, runSimulatorMain } from '../simulator';

export const paymentProviderDatabase = { entities: paymentProviderEntities, migrations: paymentProviderMigrations };

export function readPaymentProviderConfig(env: Record<string, string | undefined>) {
  return readSimulatorConfig(
    'payment-provider',
    z.object({
      databaseUrl: z.url({ message: 'no database configured: set DATABASE_URL (the PostgreSQL server; the simulator uses its own database on it) or PAYMENT_PROVIDER_DATABASE_URL' }),
      port: z.number().int().min(0).max(65535),
      host: z.string().min(1),
      apiKey: z.string().regex(/^sk_[A-Za-z0-9_]{8,200}$/, 'PAYMENT_PROVIDER_API_KEY must look like a secret key: sk_ and 8-200 letters, digits or "_"'),
    }),
    {
      databaseUrl: simulatorDatabaseUrl('payment-provider', env),
      port: simulatorPort('payment-provider', env),
      host: env.HOST || '127.0.0.1',
      apiKey: env.PAYMENT_PROVIDER_API_KEY || LOCAL_API_KEY,
    },
  );
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
  const orm = await openSimulatorDatabase('payment-provider', config.databaseUrl, paymentProviderDatabase, logger);
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

if (require.main === module) runSimulatorMain('payment-provider', 'the payment provider simulator', startPaymentProvider);
