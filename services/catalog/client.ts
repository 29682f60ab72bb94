import { createServiceClient, type ServiceClientOptions } from '../../platform/http-client';
import type { paths } from './api.gen';

export type CatalogClient = ReturnType<typeof createCatalogClient>;

export function createCatalogClient(baseUrl: string, options?: ServiceClientOptions) {
  return createServiceClient<paths>(baseUrl, options);
}
