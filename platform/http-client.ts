/**
 * Typed HTTP clients for calling a service, generated from its OpenAPI spec by
 * openapi-typescript (`services/<name>/api.gen.ts`) and driven by openapi-fetch.
 * Every request is bounded by a timeout so a hung service surfaces as an error
 * the caller (usually a Temporal activity) can retry.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { AccessTokenSource } from './service-token';

export const DEFAULT_CLIENT_TIMEOUT_MS = 10_000;

export interface ServiceClientOptions {
  timeoutMs?: number;
  headers?: Record<string, string>;
  /** Sends `Authorization: Bearer <token>` with every request (service-to-service calls). */
  accessToken?: AccessTokenSource;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export function createServiceClient<Paths extends {}>(baseUrl: string, options: ServiceClientOptions = {}): Client<Paths> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CLIENT_TIMEOUT_MS;
  const client = createClient<Paths>({
    baseUrl,
    headers: options.headers,
    fetch: (request: Request) => fetch(request, { signal: AbortSignal.timeout(timeoutMs) }),
  });
  const { accessToken } = options;
  if (accessToken) {
    client.use({
      async onRequest({ request }) {
        request.headers.set('authorization', `Bearer ${await accessToken()}`);
        return request;
      },
    });
  }
  return client;
}
