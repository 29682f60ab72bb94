/**
 * The mail server's HTTP API as its readers use it (tests, the chaos run's
 * checks): a typed openapi-fetch client over its spec only.
 */
import { createServiceClient, type ServiceClientOptions } from '../../platform/http-client';
import type { paths } from './api.gen';

export type MailServerClient = ReturnType<typeof createMailServerClient>;

export function createMailServerClient(baseUrl: string, options: Omit<ServiceClientOptions, 'accessToken'> = {}) {
  return createServiceClient<paths>(baseUrl, options);
}
