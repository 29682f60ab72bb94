import { createServiceClient, type ServiceClientOptions } from '../../platform/http-client';
import type { paths } from './api.gen';

export type PaymentsClient = ReturnType<typeof createPaymentsClient>;

export function createPaymentsClient(baseUrl: string, options?: ServiceClientOptions) {
  return createServiceClient<paths>(baseUrl, options);
}
