import { createServiceApp } from '../../platform/http/app';
import type { ServiceContext } from '../../platform/service-main';
import { createPaymentProvider, providerConfigFromEnv } from './provider';
import { paymentsRoutes } from './routes';
import { loadSpec } from '../../platform/openapi';

export const paymentsSpec: unknown = loadSpec('payments.yaml');

/** The provider is found through the environment (PAYMENT_PROVIDER_URL, PAYMENT_PROVIDER_API_KEY). */
export function createPaymentsApp({ orm, logger, auth, env }: ServiceContext) {
  const provider = createPaymentProvider(providerConfigFromEnv(env));
  return createServiceApp({ name: 'payments', orm, logger, auth, spec: paymentsSpec, routes: paymentsRoutes(orm, provider) });
}
