/** The payment provider simulator for a test file: a real HTTP server in this process, on a fresh database. */
import { createPaymentProviderClient, LOCAL_API_KEY, type PaymentProviderClient } from '../../simulators/payment-provider/client';
import { startPaymentProvider, type RunningPaymentProvider } from '../../simulators/payment-provider/main';
import { createTestDatabase } from './database';

export interface TestPaymentProvider extends RunningPaymentProvider {
  databaseUrl: string;
  /** What a service needs to reach it. */
  env: { PAYMENT_PROVIDER_URL: string; PAYMENT_PROVIDER_API_KEY: string };
  client: PaymentProviderClient;
  /** Starts or ends an outage through the simulator's control endpoint. */
  setOutage(active: boolean): Promise<void>;
  /** The charges made for a payments reference, as the provider has them. */
  chargesFor(reference: string): Promise<{ id: string; status: string; amount_refunded: number }[]>;
}

export async function startTestPaymentProvider(): Promise<TestPaymentProvider> {
  const databaseUrl = await createTestDatabase('payment_provider');
  const running = await startPaymentProvider({ PAYMENT_PROVIDER_DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1' });
  const client = createPaymentProviderClient(running.url, { apiKey: LOCAL_API_KEY });
  return {
    ...running,
    databaseUrl,
    env: { PAYMENT_PROVIDER_URL: running.url, PAYMENT_PROVIDER_API_KEY: LOCAL_API_KEY },
    client,
    async setOutage(active) {
      const { response } = await client.POST('/v1/test_helpers/outage', { body: { active } });
      if (!response.ok) throw new Error(`the outage switch answered ${response.status}`);
    },
    async chargesFor(reference) {
      const { data, error } = await client.GET('/v1/charges/search', { params: { query: { query: `metadata['shop_reference']:'${reference}'`, limit: 100 } } });
      if (!data) throw new Error(`searching the provider failed: ${JSON.stringify(error)}`);
      return data.data;
    },
  };
}
