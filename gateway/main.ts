/**
 * The gateway process: `npm run gateway` alone, or as part of `npm start`.
 * GATEWAY_PORT (default 8080), the services at <NAME>_URL, tokens checked
 * against the users service's keys.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jwksTokenVerifier, type TokenVerifier } from '../platform/auth';
import { createLogger } from '../platform/logger';
import { answerParserErrorsAsProblems, closeGracefully } from '../platform/http/server';
import { loadSpec } from '../platform/openapi';
import { SERVICE_NAMES, serviceUrl, type ServiceName } from '../platform/services';
import { createGatewayApp } from './app';
import { rateLimitConfig } from './rate-limits';
import type { Router } from 'express';
import type { Client } from '@temporalio/client';
import { connectClient } from '../platform/temporal-connection';
import { temporalConnectionConfig } from '../temporal.config';
import { createUsersClient } from '../services/users/client';
import { checkoutsRouter } from './checkouts';

export const DEFAULT_GATEWAY_PORT = 8080;

export const gatewaySpec = loadSpec('gateway.yaml');

export interface RunningGateway {
  url: string;
  server: Server;
  stop(): Promise<void>;
}

/** Connects on first use and again after a failure, so the gateway starts (and proxies) while Temporal is away. */
function lazyTemporalClient(env: Record<string, string | undefined>): { get: () => Promise<Client>; close: () => Promise<void> } {
  let connecting: Promise<Client> | undefined;
  return {
    get: () => {
      connecting ??= connectClient(temporalConnectionConfig(env)).catch((error: unknown) => {
        connecting = undefined;
        throw error;
      });
      return connecting;
    },
    close: async () => {
      const client = await connecting?.catch(() => undefined);
      await client?.connection.close();
    },
  };
}

export interface GatewayDependencies {
  auth?: TokenVerifier;
  ownRoutes?: Router;
}

export async function startGateway(env: Record<string, string | undefined> = process.env, dependencies: GatewayDependencies = {}): Promise<RunningGateway> {
  const logger = createLogger('gateway');
  const port = Number(env.GATEWAY_PORT ?? DEFAULT_GATEWAY_PORT);
  const host = env.HOST || '127.0.0.1';
  const serviceUrls = Object.fromEntries(SERVICE_NAMES.map((name) => [name, serviceUrl(name, env)])) as Record<ServiceName, string>;
  const temporal = lazyTemporalClient(env);
  const ownRoutes =
    dependencies.ownRoutes ??
    checkoutsRouter({ temporal: temporal.get, taskQueue: temporalConnectionConfig(env).taskQueue, users: createUsersClient(serviceUrls.users, { timeoutMs: 5_000 }) });
  const app = createGatewayApp({
    logger,
    auth: dependencies.auth ?? jwksTokenVerifier(serviceUrls.users),
    serviceUrls,
    publicUrl: env.GATEWAY_PUBLIC_URL || `http://${host}:${port}`,
    rateLimits: rateLimitConfig(env),
    ownSpec: gatewaySpec,
    ownRoutes,
    trustProxy: env.GATEWAY_TRUST_PROXY === 'true',
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(listening)));
    answerParserErrorsAsProblems(listening);
  });
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  logger.info({ url }, 'gateway listening');
  let stopping: Promise<void> | undefined;
  return {
    url,
    server,
    stop: () => (stopping ??= closeGracefully(server).then(() => temporal.close())),
  };
}

if (require.main === module) {
  startGateway().then(
    (gateway) => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void gateway.stop().then(() => process.exit(0)));
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
