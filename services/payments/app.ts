import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { createServiceApp } from '../../platform/http/app';
import type { ServiceContext } from '../../platform/service-main';
import { createPaymentProvider, providerConfigFromEnv } from './provider';
import { paymentsRoutes } from './routes';

export const paymentsSpec: unknown = parse(readFileSync(path.resolve(__dirname, '../../openapi/payments.yaml'), 'utf8'));

/** The provider is found through the environment (PAYMENT_PROVIDER_URL, PAYMENT_PROVIDER_API_KEY). */
export function createPaymentsApp({ orm, logger, auth, env }: ServiceContext) {
  const provider = createPaymentProvider(providerConfigFromEnv(env));
  return createServiceApp({ name: 'payments', orm, logger, auth, spec: paymentsSpec, routes: paymentsRoutes(orm, provider) });
}
