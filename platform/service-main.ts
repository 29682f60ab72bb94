/**
 * The `main` of every service: read and check configuration (fail fast with a
 * clear message), prepare the database (waiting while it is unreachable),
 * serve HTTP, run background jobs, and shut down gracefully (/ready answers
 * 503 at once, in-flight requests finish, then jobs stop and the pool closes).
 * An unhandled error ends the process for its supervisor to restart.
 */
import type { Server } from 'node:http';
import type express from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { prepareServiceDatabaseWhenReachable, type ServiceDatabase } from './db';
import { redact } from './postgres';
import { listenDraining, shutdownDrainMs, stopOnSignals } from './http/server';
import { createLogger, exitOnUnhandledErrors, type Logger } from './logger';
import { trackDatabasePool } from './metrics';
import { stopTracing } from './telemetry';
import { jwksTokenVerifier, type TokenVerifier } from './auth';
import { clientCredentialsTokenSource, serviceClientSecret, type AccessTokenSource } from './service-token';
import { serviceDatabaseUrl, servicePort, serviceUrl, type ServiceName } from './services';

export interface BackgroundJob {
  stop(): Promise<void>;
}

/** What a service is built from; tests pass their own (a test key for tokens, other services' URLs). */
export interface ServiceContext {
  orm: MikroORM;
  logger: Logger;
  /** Checks the access tokens callers send. */
  auth: TokenVerifier;
  /** This service's own token, for calling other services. */
  serviceToken: AccessTokenSource;
  env: Record<string, string | undefined>;
}

export interface ServiceDefinition {
  name: ServiceName;
  database: ServiceDatabase;
  createApp(context: ServiceContext): express.Express;
  /** Periodic work (e.g. releasing expired reservations); must be safe with several instances running. */
  startBackgroundJobs?(context: ServiceContext): BackgroundJob[];
  /**
   * Metrics of its own beside those every service has (platform/metrics.ts), e.g. gauges read from
   * its database when Prometheus scrapes; answers the function that stops them.
   */
  registerMetrics?(context: ServiceContext): () => void;
}

export function readServiceConfig(name: ServiceName, env: Record<string, string | undefined> = process.env) {
  const schema = z.object({
    databaseUrl: z.url({
      message: `no database configured: set DATABASE_URL (the PostgreSQL server; the service uses its own database on it) or ${name.toUpperCase()}_DATABASE_URL`,
    }),
    port: z.number().int().min(0).max(65535),
    host: z.string().min(1),
  });
  const parsed = schema.safeParse({
    databaseUrl: serviceDatabaseUrl(name, env),
    port: servicePort(name, env),
    host: env.HOST || '127.0.0.1',
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  - ${issue.path.join('.')}: ${issue.message}`).join('\n');
    throw new Error(`${name}: invalid configuration\n${problems}`);
  }
  return { ...parsed.data, drainMs: shutdownDrainMs(env) };
}

export interface RunningService {
  url: string;
  orm: MikroORM;
  server: Server;
  /** Drains (see listenDraining), then stops the jobs and closes the pool. A second call skips the rest of the drain. */
  stop(): Promise<void>;
}

/** `overrides`: tests give their own token verifier or service token; the main passes its logger. */
export async function startService(
  definition: ServiceDefinition,
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<Pick<ServiceContext, 'auth' | 'serviceToken' | 'logger'>> = {},
): Promise<RunningService> {
  const logger = overrides.logger ?? createLogger(definition.name);
  const config = readServiceConfig(definition.name, env);
  const orm = await prepareServiceDatabaseWhenReachable(config.databaseUrl, definition.database, logger).catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${definition.name}: cannot open its database at ${redact(config.databaseUrl)}: ${reason}`, { cause: error });
  });
  const context: ServiceContext = {
    orm,
    logger,
    env,
    auth: jwksTokenVerifier(serviceUrl('users', env)),
    serviceToken: clientCredentialsTokenSource({
      usersUrl: serviceUrl('users', env),
      clientId: definition.name,
      clientSecret: serviceClientSecret(env),
    }),
    ...overrides,
  };
  const app = definition.createApp(context);
  const metrics = [trackDatabasePool(definition.name, orm), definition.registerMetrics?.(context)];
  const http = await listenDraining({ app, port: config.port, host: config.host, name: definition.name, drainMs: config.drainMs });
  const jobs = definition.startBackgroundJobs?.(context) ?? [];
  logger.info({ url: http.url }, `${definition.name} listening`);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    if (stopping) {
      void http.shutdown();
      return stopping;
    }
    logger.info(config.drainMs > 0 ? `${definition.name} draining: /ready answers 503, requests are taken for ${config.drainMs} ms more` : `${definition.name} stopping`);
    stopping = (async () => {
      await http.shutdown();
      await Promise.all(jobs.map((job) => job.stop()));
      for (const stopMetrics of metrics) stopMetrics?.();
      await orm.close();
      logger.info(`${definition.name} stopped`);
    })();
    return stopping;
  };
  return { url: http.url, orm, server: http.server, stop };
}

/**
 * For `services/<name>/main.ts`: the error policy, start, and stop on SIGINT/SIGTERM (the spans
 * still buffered are sent last). The main imports platform/telemetry/preload before anything else.
 */
export function runServiceMain(definition: ServiceDefinition): void {
  const logger = createLogger(definition.name);
  exitOnUnhandledErrors(logger);
  startService(definition, process.env, { logger }).then(
    (running) => stopOnSignals(() => running.stop().then(stopTracing), logger),
    (error: unknown) => {
      logger.fatal({ err: error }, error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
