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

/**
 * A service's database URL: `INVENTORY_DATABASE_URL` etc. when given, else the
 * service's own database on the server `DATABASE_URL` points at.
 */
export function serviceDatabaseUrl(service: ServiceName, env: Record<string, string | undefined> = process.env): string | undefined {
  const own = env[`${service.toUpperCase()}_DATABASE_URL`];
  if (own) return own;
  if (!env.DATABASE_URL) return undefined;
  const url = new URL(env.DATABASE_URL);
  url.pathname = `/${databaseName(service)}`;
  return url.toString();
}
