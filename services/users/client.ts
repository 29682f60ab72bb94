import { createServiceClient, type ServiceClientOptions } from '../../platform/http-client';
import type { paths } from './api.gen';

export type UsersClient = ReturnType<typeof createUsersClient>;

export function createUsersClient(baseUrl: string, options?: ServiceClientOptions) {
  return createServiceClient<paths>(baseUrl, options);
}
