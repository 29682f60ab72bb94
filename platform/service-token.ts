/**
 * How one service proves itself to another: the OAuth 2.0 client-credentials
 * grant at the users service (`POST /oauth/token`). The token is cached and
 * renewed a minute before it expires, and concurrent callers share one fetch.
 *
 * Every service (and the worker) is a client whose id is its name; they share
 * one secret, `SERVICE_CLIENT_SECRET`. Without it, a random secret is made once
 * and kept in `.data/service-client-secret`, so everything started from this
 * checkout (`npm start`, `npm run service`, `npm run worker`) agrees on it.
 * NODE_ENV=production refuses to run without the variable.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PROJECT_ROOT } from './project-root';
import { SERVICE_NAMES } from './services';

export type AccessTokenSource = () => Promise<string>;

export const TOKEN_PATH = '/oauth/token';
/** Who may ask for a service token: every service, the worker and the gateway. */
export const SERVICE_CLIENT_IDS: readonly string[] = [...SERVICE_NAMES, 'worker', 'gateway'];
const LOCAL_SECRET_FILE = path.join(PROJECT_ROOT, '.data', 'service-client-secret');
const RENEW_BEFORE_EXPIRY_MS = 60_000;
const TOKEN_REQUEST_TIMEOUT_MS = 5_000;

function localSecret(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(path.dirname(file), { recursive: true });
    // Written aside, then linked into place: link fails when another process won the race, and nobody reads a half-written file.
    const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(draft, randomBytes(32).toString('base64url'), { mode: 0o600 });
    try {
      linkSync(draft, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(draft);
    }
    return readFileSync(file, 'utf8').trim();
  }
}

export function serviceClientSecret(env: Record<string, string | undefined> = process.env, file: string = LOCAL_SECRET_FILE): string {
  const secret = env.SERVICE_CLIENT_SECRET;
  if (secret) return secret;
  if (env.NODE_ENV === 'production') throw new Error('SERVICE_CLIENT_SECRET must be set when NODE_ENV=production');
  return localSecret(file);
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
