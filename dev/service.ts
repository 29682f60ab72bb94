/**
 * npm run service <name>: one service alone, in the foreground, with the same
 * environment `npm start` gives it. Without DATABASE_URL it uses the embedded
 * PostgreSQL: the one `npm start` runs when it answers, otherwise it starts it
 * (same data in .data/postgres) for as long as the service runs.
 *
 *   npm run service inventory
 *   DATABASE_URL=postgres://user:pass@host:5432/postgres npm run service orders
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { adminUrlFor, embeddedPostgresDefaults, startEmbeddedPostgres, type EmbeddedPostgresHandle } from './embedded-postgres';
import { postgresAnswers, redact } from '../platform/postgres';
import { createLogger, exitOnUnhandledErrors } from '../platform/logger';
import { assertPortsFree, describeExit, formatLogLine, startProcess, tsxCommand } from './processes';
import { IMPLEMENTED_SERVICES, isServiceName, SERVICE_NAMES, servicePort, type ServiceName } from '../platform/services';
import { PROJECT_ROOT } from './temporal-binaries';

function say(message: string): void {
  console.log(`service | ${message}`);
}

function usage(problem: string): never {
  const listed = SERVICE_NAMES.map((name) => (IMPLEMENTED_SERVICES.includes(name) ? name : `${name} (not built yet)`)).join(', ');
  console.error(`${problem}\nusage: npm run service <name>   where <name> is one of: ${listed}`);
  process.exit(2);
}

async function databaseServer(name: ServiceName): Promise<{ url?: string; postgres?: EmbeddedPostgresHandle }> {
  if (process.env.DATABASE_URL) {
    say(`PostgreSQL: DATABASE_URL ${redact(process.env.DATABASE_URL)}`);
    return { url: process.env.DATABASE_URL };
  }
  const own = process.env[`${name.toUpperCase()}_DATABASE_URL`];
  if (own) {
    say(`PostgreSQL: ${name.toUpperCase()}_DATABASE_URL ${redact(own)}`);
    return {};
  }
  const { dataDir, port } = embeddedPostgresDefaults(PROJECT_ROOT);
  const adminUrl = adminUrlFor(port);
  if (await postgresAnswers(adminUrl)) {
    say(`PostgreSQL: using the embedded server already running on port ${port}`);
    return { url: adminUrl };
  }
  say(`PostgreSQL: starting the embedded server on port ${port} (data in ${path.relative(PROJECT_ROOT, dataDir)})`);
  const postgres = await startEmbeddedPostgres({ dataDir, port, persistent: true });
  return { url: postgres.adminUrl, postgres };
}

async function main(): Promise<void> {
  // Its own unexpected errors end it too (the exit hooks stop the child), said in a readable line.
  exitOnUnhandledErrors(createLogger('service', { write: (line: string) => process.stderr.write(`${formatLogLine(line.trimEnd())}\n`) }));
  const name = process.argv[2];
  if (!name) usage('which service?');
  if (!isServiceName(name)) usage(`there is no service "${name}"`);
  const mainFile = path.join(PROJECT_ROOT, 'services', name, 'main.ts');
  if (!existsSync(mainFile)) usage(`the ${name} service is not built yet (${path.relative(PROJECT_ROOT, mainFile)} is missing)`);
  const port = servicePort(name);
  await assertPortsFree([{ port, what: `the ${name} service`, envVar: `${name.toUpperCase()}_PORT` }]);

  const { url, postgres } = await databaseServer(name);
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
  if (url) env.DATABASE_URL = url;
  const { command, args } = tsxCommand(mainFile);
  const child = startProcess({ name, command, args, env, cwd: PROJECT_ROOT, format: formatLogLine, onLine: (line) => console.log(line) });
  say(`${name}: http://127.0.0.1:${port} (Ctrl-C stops it)`);

  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      // npm and tsx may relay the same Ctrl-C: pass it on once, the service shuts down gracefully.
      if (stopping) return;
      stopping = true;
      void child.stop({ signal: 'SIGTERM', graceMs: 15_000 });
    });
  }
  const exit = await child.exited;
  if (!stopping) console.error(`${name} ${describeExit(exit)}`);
  if (postgres) await postgres.stop();
  process.exit(stopping ? 0 : (exit.code ?? 1));
}

main().catch((error: unknown) => {
  console.error(`npm run service failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
