/**
 * The provider's API as its callers use it (the payments service, tests): a
 * typed openapi-fetch client, as a provider's SDK would be. It depends on
 * nothing of the simulator's own code, only on its spec.
 */
import { createServiceClient, type ServiceClientOptions } from '../../platform/http-client';
import type { paths } from './api.gen';

/** The secret key of a local setup (npm start, the tests); set PAYMENT_PROVIDER_API_KEY anywhere else. */
export const LOCAL_API_KEY = 'sk_test_shop_simulator';

export type PaymentProviderClient = ReturnType<typeof createPaymentProviderClient>;

export function createPaymentProviderClient(baseUrl: string, options: Omit<ServiceClientOptions, 'accessToken'> & { apiKey: string }) {
  const { apiKey, ...rest } = options;
  return createServiceClient<paths>(baseUrl, { ...rest, headers: { ...rest.headers, authorization: `Bearer ${apiKey}` } });
}
