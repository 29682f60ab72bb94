/**
 * What every simulator of an outside party shares: its configuration read with
 * one message per problem, its own database opened (and migrated) once
 * PostgreSQL answers, the routes it answers besides its API, and its life as a
 * process of its own.
 */
import type express from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import swaggerUi from 'swagger-ui-express';
import type { z } from 'zod';
import { prepareServiceDatabaseWhenReachable, type ServiceDatabase } from '../platform/db';
import { stopOnSignals } from '../platform/http/server';
import { createLogger, exitOnUnhandledErrors, type Logger } from '../platform/logger';
import { redact } from '../platform/postgres';

export function readSimulatorConfig<Schema extends z.ZodType>(name: string, schema: Schema, values: unknown): z.infer<Schema> {
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    throw new Error(`${name}: invalid configuration\n${parsed.error.issues.map((issue) => `  - ${issue.path.join('.')}: ${issue.message}`).join('\n')}`);
  }
  return parsed.data;
}

/** Like a service's: waits for PostgreSQL rather than exiting, then migrates. */
export function openSimulatorDatabase(name: string, databaseUrl: string, database: ServiceDatabase, logger: Logger): Promise<MikroORM> {
  return prepareServiceDatabaseWhenReachable(databaseUrl, database, logger).catch((error: unknown) => {
    throw new Error(`${name}: cannot open its database at ${redact(databaseUrl)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  });
}

/** Runs a simulator as its own process: stops on SIGINT/SIGTERM, exits non-zero if it cannot start. */
export function runSimulatorMain(name: string, what: string, start: () => Promise<{ stop(): Promise<void> }>): void {
  const logger = createLogger(name);
  exitOnUnhandledErrors(logger);
  start().then(
    (running) => stopOnSignals(running.stop, logger),
    (error: unknown) => {
      logger.fatal({ err: error }, `${what} could not start`);
      process.exit(1);
    },
  );
}

/**
 * The routes every simulator answers besides its API: /health, /ready (its database answers),
 * its spec at /openapi.json and its docs at /docs. `notReady` answers in the simulator's own
 * error shape (a provider's, not necessarily the shop's problem+json).
 */
export function serveSimulatorBasics(
  app: express.Express,
  options: { name: string; title: string; orm: MikroORM; spec: unknown; notReady: (res: express.Response, error: unknown) => void },
): void {
  const { name, orm, spec } = options;
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: name });
  });
  app.get('/ready', async (_req, res) => {
    try {
      await orm.em.getConnection().execute('select 1');
      res.json({ status: 'ready', service: name });
    } catch (error) {
      options.notReady(res, error);
    }
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(spec);
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(spec as swaggerUi.JsonObject, { customSiteTitle: options.title }));
}
