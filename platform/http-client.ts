/**
 * Typed HTTP clients for calling a service, generated from its OpenAPI spec by
 * openapi-typescript (`services/<name>/api.gen.ts`) and driven by openapi-fetch.
 * Every request is bounded by a timeout so a hung service surfaces as an error
 * the caller (usually a Temporal activity) can retry.
 *
 * The requests go out through undici's `request` on one keep-alive connection
 * pool per process, not through the global `fetch`: a checkout makes a dozen
 * such calls, and `fetch`'s WHATWG streams and abort signals cost about twice
 * the CPU per call of the plain request (measured in docs/benchmarks.md).
 */
import createClient, { type Client } from 'openapi-fetch';
import { Agent, request as sendRequest, type Dispatcher } from 'undici';
import type { AccessTokenSource } from './service-token';

export const DEFAULT_CLIENT_TIMEOUT_MS = 10_000;

export interface ServiceClientOptions {
  timeoutMs?: number;
  headers?: Record<string, string>;
  /** Sends `Authorization: Bearer <token>` with every request (service-to-service calls). */
  accessToken?: AccessTokenSource;
}

/** Connections stay open between calls; idle ones close before a Node server's 5 s keep-alive would close them under us. */
const connections = new Agent({ keepAliveTimeout: 4_000, keepAliveMaxTimeout: 60_000 });

/** Answers that carry no body by definition (Response refuses one for them). */
const NO_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

function responseHeaders(raw: Dispatcher.ResponseData['headers']): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.append(name, value);
  }
  return headers;
}

/**
 * `fetch` for openapi-fetch, over undici's `request`: the answer's headers must arrive within
 * `timeoutMs`, and its body may not stall for longer (undici's own errors: the call fails, and a
 * Temporal activity retries it).
 */
export function requestAsFetch(timeoutMs: number, dispatcher: Dispatcher = connections): (request: Request) => Promise<Response> {
  return async (request) => {
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const answer = await sendRequest(request.url, {
      method: request.method as Dispatcher.HttpMethod,
      headers,
      ...(body ? { body } : {}),
      dispatcher,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await answer.body.text();
    const bodyless = NO_BODY_STATUSES.has(answer.statusCode) || request.method === 'HEAD';
    return new Response(bodyless ? null : text, { status: answer.statusCode, headers: responseHeaders(answer.headers) });
  };
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export function createServiceClient<Paths extends {}>(baseUrl: string, options: ServiceClientOptions = {}): Client<Paths> {
  const client = createClient<Paths>({
    baseUrl,
    headers: options.headers,
    fetch: requestAsFetch(options.timeoutMs ?? DEFAULT_CLIENT_TIMEOUT_MS),
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
