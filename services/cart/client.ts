import { createServiceClient, type ServiceClientOptions } from '../../platform/http-client';
import type { paths } from './api.gen';

export type CartClient = ReturnType<typeof createCartClient>;

export function createCartClient(baseUrl: string, options?: ServiceClientOptions) {
  return createServiceClient<paths>(baseUrl, options);
}
