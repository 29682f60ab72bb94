/**
 * The codec server process: `npm run codec-server` alone, or as part of
 * `npm start`. CODEC_SERVER_PORT (default 8234); the Temporal UI's origins in
 * CODEC_SERVER_UI_ORIGINS (default the dev server's UI, http://127.0.0.1:8233);
 * CODEC_SERVER_PUBLIC_URL where browsers reach it; the codec keys as every
 * part of the shop reads them (TEMPORAL_CODEC_KEYS); tokens checked against
 * the users service's keys. Its own process, not a route of the gateway: the
 * gateway faces shoppers, and this is a decryption service for staff, which
 * only the staff's network needs to reach.
 */
// First: tracing (when configured) must patch http and express before they load.
import '../platform/telemetry/preload';
import type { Server } from 'node:http';
import { jwksTokenVerifier, type TokenVerifier } from '../platform/auth';
import { listenDraining, shutdownDrainMs, stopOnSignals } from '../platform/http/server';
import { createLogger, exitOnUnhandledErrors, type Logger } from '../platform/logger';
import { encryptionCodec } from '../platform/temporal-codec';
import { stopTracing } from '../platform/telemetry';
import { createUsersClient } from '../services/users/client';
import { createCodecServerApp } from './app';
import { codecEndpoint, codecServerConfig } from './config';

export { codecServerConfig, DEFAULT_CODEC_SERVER_PORT } from './config';

export interface RunningCodecServer {
  url: string;
  server: Server;
  stop(): Promise<void>;
}

export async function startCodecServer(
  env: Record<string, string | undefined> = process.env,
  dependencies: { logger?: Logger; auth?: TokenVerifier } = {},
): Promise<RunningCodecServer> {
  const logger = dependencies.logger ?? createLogger('codec-server');
  const config = codecServerConfig(env);
  const app = createCodecServerApp({
    codec: encryptionCodec(env),
    auth: dependencies.auth ?? jwksTokenVerifier(config.usersUrl),
    users: createUsersClient(config.usersUrl, { timeoutMs: 5_000 }),
    uiOrigins: config.uiOrigins,
    publicUrl: config.publicUrl,
    logger,
  });
  const http = await listenDraining({ app, port: config.port, host: config.host, name: 'the codec server', drainMs: shutdownDrainMs(env) });
  logger.info({ url: http.url, endpoint: codecEndpoint(config), uiOrigins: config.uiOrigins }, 'codec server listening');
  return { url: http.url, server: http.server, stop: () => http.shutdown() };
}

if (require.main === module) {
  const logger = createLogger('codec-server');
  exitOnUnhandledErrors(logger);
  startCodecServer(process.env, { logger }).then(
    (server) => stopOnSignals(() => server.stop().then(stopTracing), logger),
    (error: unknown) => {
      logger.fatal({ err: error }, error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
