/**
 * The gateway process: `npm run gateway` alone, or as part of `npm start`.
 * GATEWAY_PORT (default 8080), the services at <NAME>_URL, tokens checked
 * against the users service's keys. Its Prometheus metrics are on a port of
 * their own, GATEWAY_METRICS_PORT (default 8081), never on the shoppers' port:
 * only what can reach the internal network scrapes them. It drains on shutdown
 * like a service (/ready answers 503 from the start), and an unhandled error
 * ends it for its supervisor to restart.
 */
// First: tracing (when configured) must patch http and express before they load.
import '../platform/telemetry/preload';
import type { Server } from 'node:http';
import { jwksTokenVerifier, type TokenVerifier } from '../platform/auth';
import { createLogger, exitOnUnhandledErrors, type Logger } from '../platform/logger';
import { listenDraining, shutdownDrainMs, stopOnSignals } from '../platform/http/server';
import { loadSpec } from '../platform/openapi';
import { SERVICE_NAMES, serviceUrl, type ServiceName } from '../platform/services';
import { createGatewayApp } from './app';
import { rateLimitConfig } from './rate-limits';
import type { Router } from 'express';
import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { connectClient } from '../platform/temporal-connection';
import { temporalDataConverter } from '../platform/temporal-codec';
import { temporalConnectionConfig } from '../temporal.config';
import { createOrdersClient } from '../services/orders/client';
import { createUsersClient } from '../services/users/client';
import { clientCredentialsTokenSource, serviceClientSecret } from '../platform/service-token';
import { serveMetrics } from '../platform/metrics';
import { stopTracing } from '../platform/telemetry';
import { closeGracefully } from '../platform/http/server';
import { checkoutsRouter, OUTCOME_WAIT_MS } from './checkouts';

export const DEFAULT_GATEWAY_PORT = 8080;
export const DEFAULT_GATEWAY_METRICS_PORT = 8081;

export const gatewaySpec = loadSpec('gateway.yaml');

export interface RunningGateway {
  url: string;
  server: Server;
  /** Where its GET /metrics is, when GATEWAY_METRICS_PORT was given (the process's main gives the default). */
  metricsUrl?: string;
  /** Drains (see listenDraining); a second call skips the rest of the drain. */
  stop(): Promise<void>;
}

/** Connects on first use and again after a failure, so the gateway starts (and proxies) while Temporal is away. */
function lazyTemporalClient(env: Record<string, string | undefined>, dataConverter: DataConverter): { get: () => Promise<Client>; close: () => Promise<void> } {
  let connecting: Promise<Client> | undefined;
  return {
    get: () => {
      connecting ??= connectClient(temporalConnectionConfig(env), dataConverter).catch((error: unknown) => {
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
  logger?: Logger;
}

/** GATEWAY_CHECKOUT_WAIT_MS: how long POST /checkouts holds the request for the outcome before answering 202 to follow. */
export function checkoutWaitMs(env: Record<string, string | undefined>): number {
  const value = env.GATEWAY_CHECKOUT_WAIT_MS;
  if (!value) return OUTCOME_WAIT_MS;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 1 || ms > 60_000) throw new Error(`GATEWAY_CHECKOUT_WAIT_MS must be a whole number of milliseconds from 1 to 60000, not '${value}'`);
  return ms;
}

export async function startGateway(env: Record<string, string | undefined> = process.env, dependencies: GatewayDependencies = {}): Promise<RunningGateway> {
  const logger = dependencies.logger ?? createLogger('gateway');
  const port = Number(env.GATEWAY_PORT ?? DEFAULT_GATEWAY_PORT);
  const host = env.HOST || '127.0.0.1';
  const drainMs = shutdownDrainMs(env);
  const serviceUrls = Object.fromEntries(SERVICE_NAMES.map((name) => [name, serviceUrl(name, env)])) as Record<ServiceName, string>;
  // Read now, so that bad codec keys stop the gateway at start rather than fail its first checkout.
  const temporal = lazyTemporalClient(env, temporalDataConverter(env));
  const ownRoutes =
    dependencies.ownRoutes ??
    checkoutsRouter({
      temporal: temporal.get,
      taskQueue: temporalConnectionConfig(env).taskQueue,
      outcomeWaitMs: checkoutWaitMs(env),
      users: createUsersClient(serviceUrls.users),
      // The checkout records are the gateway's to write, as a service of its own.
      orders: createOrdersClient(serviceUrls.orders, {
        accessToken: clientCredentialsTokenSource({ usersUrl: serviceUrls.users, clientId: 'gateway', clientSecret: serviceClientSecret(env) }),
      }),
    });
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
  const http = await listenDraining({ app, port, host, name: 'the gateway', drainMs });
  const metrics = env.GATEWAY_METRICS_PORT === undefined ? undefined : await serveMetrics(Number(env.GATEWAY_METRICS_PORT), host);
  const metricsAddress = metrics?.address();
  const metricsUrl = metricsAddress && typeof metricsAddress === 'object' ? `http://${host}:${metricsAddress.port}/metrics` : undefined;
  logger.info({ url: http.url, metricsUrl }, 'gateway listening');
  let stopping: Promise<void> | undefined;
  const stop = () => {
    if (stopping) {
      void http.shutdown();
      return stopping;
    }
    logger.info(drainMs > 0 ? `gateway draining: /ready answers 503, requests are taken for ${drainMs} ms more` : 'gateway stopping');
    stopping = http.shutdown()
      .then(() => (metrics ? closeGracefully(metrics) : undefined))
      .then(() => temporal.close())
      .then(() => logger.info('gateway stopped'));
    return stopping;
  };
  return { url: http.url, server: http.server, metricsUrl, stop };
}

if (require.main === module) {
  const logger = createLogger('gateway');
  exitOnUnhandledErrors(logger);
  startGateway({ GATEWAY_METRICS_PORT: String(DEFAULT_GATEWAY_METRICS_PORT), ...process.env }, { logger }).then(
    (gateway) => stopOnSignals(() => gateway.stop().then(stopTracing), logger),
    (error: unknown) => {
      logger.fatal({ err: error }, error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
