/**
 * How one service proves itself to another: the OAuth 2.0 client-credentials
 * grant at the users service (`POST /oauth/token`). The token is cached and
 * renewed a minute before it expires, and concurrent callers share one fetch.
 *
 * Every service (and the worker) is a client whose id is its name; they share
 * one secret, `SERVICE_CLIENT_SECRET`. `npm start` generates a fresh one per
 * run; a service started alone falls back to a development secret, which is
 * refused when NODE_ENV=production.
 */
import { z } from 'zod';

export type AccessTokenSource = () => Promise<string>;

export const TOKEN_PATH = '/oauth/token';
export const DEVELOPMENT_CLIENT_SECRET = 'development-only-service-secret';
const RENEW_BEFORE_EXPIRY_MS = 60_000;
const TOKEN_REQUEST_TIMEOUT_MS = 5_000;

export function serviceClientSecret(env: Record<string, string | undefined> = process.env): string {
  const secret = env.SERVICE_CLIENT_SECRET;
  if (secret) return secret;
  if (env.NODE_ENV === 'production') throw new Error('SERVICE_CLIENT_SECRET must be set when NODE_ENV=production');
  return DEVELOPMENT_CLIENT_SECRET;
}

const TokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().positive(),
});

export interface ClientCredentials {
  usersUrl: string;
  clientId: string;
  clientSecret: string;
}

export function clientCredentialsTokenSource(credentials: ClientCredentials, now: () => number = Date.now): AccessTokenSource {
  let cached: { token: string; renewAt: number } | undefined;
  let inFlight: Promise<string> | undefined;

  const fetchToken = async (): Promise<string> => {
    const response = await fetch(new URL(TOKEN_PATH, credentials.usersUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
      }),
      signal: AbortSignal.timeout(TOKEN_REQUEST_TIMEOUT_MS),
    });
    if (!response.ok) {
      throw new Error(`the users service refused a service token for '${credentials.clientId}': ${response.status} ${await response.text()}`);
    }
    const body = TokenResponse.parse(await response.json());
    cached = { token: body.access_token, renewAt: now() + body.expires_in * 1000 - RENEW_BEFORE_EXPIRY_MS };
    return body.access_token;
  };

  return async () => {
    if (cached && now() < cached.renewAt) return cached.token;
    inFlight ??= fetchToken().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}
