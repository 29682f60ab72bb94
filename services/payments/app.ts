import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { createServiceApp } from '../../platform/http/app';
import type { ServiceContext } from '../../platform/service-main';
import { createFakePaymentProvider, type PaymentProvider } from './provider';
import { paymentsRoutes } from './routes';

export const paymentsSpec: unknown = parse(readFileSync(path.resolve(__dirname, '../../openapi/payments.yaml'), 'utf8'));

export interface PaymentsAppOptions {
  /** The fake, Stripe-test-mode provider unless given. */
  provider?: PaymentProvider;
}

export function createPaymentsApp({ orm, logger, auth }: ServiceContext, options: PaymentsAppOptions = {}) {
  const provider = options.provider ?? createFakePaymentProvider();
  return createServiceApp({ name: 'payments', orm, logger, auth, spec: paymentsSpec, routes: paymentsRoutes(orm, provider) });
}
