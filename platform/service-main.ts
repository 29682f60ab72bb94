/**
 * The `main` of every service: read and check configuration (fail fast with a
 * clear message), prepare the database, serve HTTP, run background jobs, and
 * shut down gracefully (finish in-flight requests, stop jobs, close the pool).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { prepareServiceDatabase, type ServiceDatabase } from './db';
import { redact } from './postgres';
import { answerParserErrorsAsProblems, closeGracefully } from './http/server';
import { createLogger, type Logger } from './logger';
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
  return parsed.data;
}

export interface RunningService {
  url: string;
  orm: MikroORM;
  server: Server;
  stop(): Promise<void>;
}

/** `overrides`: tests give their own token verifier or service token. */
export async function startService(
  definition: ServiceDefinition,
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<Pick<ServiceContext, 'auth' | 'serviceToken'>> = {},
): Promise<RunningService> {
  const logger = createLogger(definition.name);
  const config = readServiceConfig(definition.name, env);
  const orm = await prepareServiceDatabase(config.databaseUrl, definition.database).catch((error: unknown) => {
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
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.port, config.host, (error?: Error) => (error ? reject(error) : resolve(listening)));
    answerParserErrorsAsProblems(listening);
  });
  const jobs = definition.startBackgroundJobs?.(context) ?? [];
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host}:${port}`;
  logger.info({ url }, `${definition.name} listening`);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await closeGracefully(server);
      await Promise.all(jobs.map((job) => job.stop()));
      await orm.close();
      logger.info(`${definition.name} stopped`);
    })();
    return stopping;
  };
  return { url, orm, server, stop };
}

/** For `services/<name>/main.ts`: start, and stop on SIGINT/SIGTERM. */
export function runServiceMain(definition: ServiceDefinition): void {
  startService(definition).then(
    (running) => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        process.once(signal, () => {
          running.stop().then(
            () => process.exit(0),
            (error: unknown) => {
              console.error(error);
              process.exit(1);
            },
          );
        });
      }
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
