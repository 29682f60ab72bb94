import { createServiceApp } from '../../platform/http/app';
import type { ServiceContext } from '../../platform/service-main';
import { createFakePaymentProvider, type PaymentProvider } from './provider';
import { paymentsRoutes } from './routes';
import { loadSpec } from '../../platform/openapi';

export const paymentsSpec: unknown = loadSpec('payments.yaml');

export interface PaymentsAppOptions {
  /** The fake, Stripe-test-mode provider unless given. */
  provider?: PaymentProvider;
}

export function createPaymentsApp({ orm, logger, auth }: ServiceContext, options: PaymentsAppOptions = {}) {
  const provider = options.provider ?? createFakePaymentProvider();
  return createServiceApp({ name: 'payments', orm, logger, auth, spec: paymentsSpec, routes: paymentsRoutes(orm, provider) });
}
