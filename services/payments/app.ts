import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import { parse } from 'yaml';
import { createServiceApp } from '../../platform/http/app';
import type { Logger } from '../../platform/logger';
import { createFakePaymentProvider, type PaymentProvider } from './provider';
import { paymentsRoutes } from './routes';

export const paymentsSpec: unknown = parse(readFileSync(path.resolve(__dirname, '../../openapi/payments.yaml'), 'utf8'));

export interface PaymentsAppOptions {
  /** The fake, Stripe-test-mode provider unless given. */
  provider?: PaymentProvider;
}

export function createPaymentsApp(orm: MikroORM, logger: Logger, options: PaymentsAppOptions = {}) {
  const provider = options.provider ?? createFakePaymentProvider();
  return createServiceApp({ name: 'payments', orm, logger, spec: paymentsSpec, routes: paymentsRoutes(orm, provider) });
}
