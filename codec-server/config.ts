/**
 * The codec server's configuration, apart from the server itself so that
 * `npm start` can read it without loading express.
 */
import { z } from 'zod';
import { serviceUrl } from '../platform/services';
import { DEFAULT_UI_PORT } from '../temporal.config';

/** The routes live under this path, so the codec server can share a host name behind a proxy. */
export const CODEC_PATH = '/codec';
export const DEFAULT_CODEC_SERVER_PORT = 8234;

export interface CodecServerConfig {
  port: number;
  host: string;
  publicUrl: string;
  uiOrigins: string[];
  usersUrl: string;
}

const Origin = z.url().transform((url, ctx) => {
  const origin = new URL(url).origin;
  if (origin === 'null') ctx.addIssue({ code: 'custom', message: `${url} is not an http(s) origin` });
  return origin;
});

/** From the environment; a bad value stops the process with a message naming the variable. */
export function codecServerConfig(env: Record<string, string | undefined> = process.env): CodecServerConfig {
  const port = Number(env.CODEC_SERVER_PORT || DEFAULT_CODEC_SERVER_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`CODEC_SERVER_PORT must be a port number, not "${env.CODEC_SERVER_PORT}"`);
  const host = env.HOST || '127.0.0.1';
  const origins = (env.CODEC_SERVER_UI_ORIGINS || `http://127.0.0.1:${env.TEMPORAL_UI_PORT || DEFAULT_UI_PORT}`).split(',').map((origin) => origin.trim());
  const uiOrigins = z.array(Origin).min(1).safeParse(origins);
  if (!uiOrigins.success) throw new Error(`CODEC_SERVER_UI_ORIGINS must be the Temporal UI's origins, comma-separated (e.g. http://127.0.0.1:8233), not "${origins.join(',')}"`);
  const publicUrl = Origin.safeParse(env.CODEC_SERVER_PUBLIC_URL || `http://127.0.0.1:${port}`);
  if (!publicUrl.success) throw new Error(`CODEC_SERVER_PUBLIC_URL must be where browsers reach the codec server (e.g. https://codec.shop.example), not "${env.CODEC_SERVER_PUBLIC_URL}"`);
  return { port, host, publicUrl: publicUrl.data, uiOrigins: uiOrigins.data, usersUrl: serviceUrl('users', env) };
}

/** The endpoint to give the Temporal UI (`--ui-codec-endpoint`, TEMPORAL_CODEC_ENDPOINT) and the CLI (--codec-endpoint). */
export const codecEndpoint = (config: Pick<CodecServerConfig, 'publicUrl'>) => `${config.publicUrl}${CODEC_PATH}`;

