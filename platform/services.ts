/**
 * Every service of the shop: its default port and database. `npm start`, the
 * typed clients' base URLs, the tests and docker-compose.yml all follow this list.
 */
export const SERVICES = {
  users: { port: 3001 },
  catalog: { port: 3002 },
  cart: { port: 3003 },
  orders: { port: 3004 },
  payments: { port: 3005 },
  inventory: { port: 3006 },
  notifications: { port: 3007 },
} as const;

export type ServiceName = keyof typeof SERVICES;

export const SERVICE_NAMES = Object.keys(SERVICES) as ServiceName[];

/** Services that exist so far; `npm start` runs these. */
export const IMPLEMENTED_SERVICES: ServiceName[] = ['users', 'catalog', 'cart', 'inventory', 'payments', 'orders', 'notifications'];

export function isServiceName(name: string): name is ServiceName {
  return Object.prototype.hasOwnProperty.call(SERVICES, name);
}

/** Each service owns one database on the shared PostgreSQL server. */
export function databaseName(service: ServiceName): string {
  return `shop_${service}`;
}

/** `INVENTORY_URL` etc. when given, else the service on loopback at its default port. */
export function serviceUrl(service: ServiceName, env: Record<string, string | undefined> = process.env): string {
  return env[`${service.toUpperCase()}_URL`] || `http://127.0.0.1:${SERVICES[service].port}`;
}

/** `INVENTORY_PORT` etc., then `PORT`, then the default. */
export function servicePort(service: ServiceName, env: Record<string, string | undefined> = process.env): number {
  return Number(env[`${service.toUpperCase()}_PORT`] || env.PORT || SERVICES[service].port);
}

/** `<PREFIX>_DATABASE_URL` when given, else the database `name` on the server `DATABASE_URL` points at. */
function ownDatabaseUrl(prefix: string, name: string, env: Record<string, string | undefined>): string | undefined {
  const own = env[`${prefix}_DATABASE_URL`];
  if (own) return own;
  if (!env.DATABASE_URL) return undefined;
  const url = new URL(env.DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A service's database URL: `INVENTORY_DATABASE_URL` etc. when given, else the
 * service's own database on the server `DATABASE_URL` points at.
 */
export function serviceDatabaseUrl(service: ServiceName, env: Record<string, string | undefined> = process.env): string | undefined {
  return ownDatabaseUrl(service.toUpperCase(), databaseName(service), env);
}

/**
 * Stand-ins for the outside parties the shop calls. They are not the shop's and never ship
 * with it, but run like its parts (their own process, port and database) in `npm start`,
 * docker-compose.yml and the tests, so calling them is as real as calling the real thing.
 * Their variables start with `env`: PAYMENT_PROVIDER_URL, _PORT, _DATABASE_URL.
 */
export const SIMULATORS = {
  'payment-provider': { port: 3090, env: 'PAYMENT_PROVIDER', database: 'sim_payment_provider' },
  /** Its port is the HTTP API that reads the mail back; mail itself arrives over SMTP on MAIL_SERVER_SMTP_PORT. */
  'mail-server': { port: 3091, env: 'MAIL_SERVER', database: 'sim_mail_server' },
} as const;

/** The mail server simulator's SMTP port: 2525, the usual unprivileged submission port of local mail catchers. */
export const MAIL_SERVER_SMTP_PORT = 2525;

/** `MAIL_SERVER_SMTP_PORT` when given (0 for any free port), else 2525. */
export function mailServerSmtpPort(env: Record<string, string | undefined> = process.env): number {
  return Number(env.MAIL_SERVER_SMTP_PORT || MAIL_SERVER_SMTP_PORT);
}

export type SimulatorName = keyof typeof SIMULATORS;

export const SIMULATOR_NAMES = Object.keys(SIMULATORS) as SimulatorName[];

export function isSimulatorName(name: string): name is SimulatorName {
  return Object.prototype.hasOwnProperty.call(SIMULATORS, name);
}

/** `PAYMENT_PROVIDER_URL` etc. when given, else the simulator on loopback at its default port. */
export function simulatorUrl(name: SimulatorName, env: Record<string, string | undefined> = process.env): string {
  return env[`${SIMULATORS[name].env}_URL`] || `http://127.0.0.1:${SIMULATORS[name].port}`;
}

/** `PAYMENT_PROVIDER_PORT` etc., then `PORT`, then the default. */
export function simulatorPort(name: SimulatorName, env: Record<string, string | undefined> = process.env): number {
  return Number(env[`${SIMULATORS[name].env}_PORT`] || env.PORT || SIMULATORS[name].port);
}

export function simulatorDatabaseUrl(name: SimulatorName, env: Record<string, string | undefined> = process.env): string | undefined {
  return ownDatabaseUrl(SIMULATORS[name].env, SIMULATORS[name].database, env);
}
