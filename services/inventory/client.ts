import { createServiceClient, type ServiceClientOptions } from '../../platform/http-client';
import type { paths } from './api.gen';

export type InventoryClient = ReturnType<typeof createInventoryClient>;

export function createInventoryClient(baseUrl: string, options?: ServiceClientOptions) {
  return createServiceClient<paths>(baseUrl, options);
}
