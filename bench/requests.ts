/**
 * CPU per request of one service, in one process: the service's app on a real
 * HTTP listener, its own database on an embedded PostgreSQL, and a keep-alive
 * client (undici) sending the checkout's requests one after another. It reads
 * `process.cpuUsage()` around N requests, so the figure is server + client in
 * this process (PostgreSQL not counted); the bare express + pg handler of
 * bench/bare-catalog.ts, measured the same way in the same run, is the yardstick.
 * The payment provider and mail server simulators run in processes of their own (not counted).
 *
 *   node --import tsx bench/requests.ts [--n 2000] [--rounds 5] [scenario...]
 *   node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof bench/requests.ts --n 3000 payments
 *
 * Scenarios: bare, catalog, inventory (reserve + commit), payments (charge), orders (create),
 * checkout (orders: the checkout's record, then its order, as on the shopper's path),
 * notifications (the order confirmation e-mail, sent over SMTP to the mail server simulator).
 * DATABASE_URL (an admin URL) uses that server instead of starting one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import express from 'express';
import pino from 'pino';
import { Pool as PgPool } from 'pg';
import { Pool, type Dispatcher } from 'undici';
import { SignJWT } from 'jose';
import { startEmbeddedPostgres } from '../dev/embedded-postgres';
import { ensureDatabase } from '../platform/postgres';
import { prepareServiceDatabase } from '../platform/db';
import { createLogger } from '../platform/logger';
import type { ServiceDefinition } from '../platform/service-main';
import { createTokenVerifier, TOKEN_ALGORITHM, TOKEN_AUDIENCE, TOKEN_ISSUER, type Role } from '../platform/auth';
import { getFreePort } from '../dev/processes';
import { catalogService } from '../services/catalog/main';
import { inventoryService } from '../services/inventory/main';
import { paymentsService } from '../services/payments/main';
import { ordersService } from '../services/orders/main';
import { notificationsService } from '../services/notifications/main';

const args = process.argv.slice(2);
const nAt = args.indexOf('--n');
const N = nAt >= 0 ? Number(args.splice(nAt, 2)[1]) : 2000;
const roundsAt = args.indexOf('--rounds');
const ROUNDS = roundsAt >= 0 ? Number(args.splice(roundsAt, 2)[1]) : 1;
const WARMUP = Math.min(500, N);
const results = new Map<string, number[]>();

// Tokens as the users service signs them, with a key of this run's own.
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const testTokenVerifier = createTokenVerifier(publicKey);
const signTestToken = (subject: string, roles: Role[]) =>
  new SignJWT({ roles })
    .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: 'bench-key' })
    .setSubject(subject)
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt()
    .setJti(randomUUID())
    .setExpirationTime('15m')
    .sign(privateKey);
const scenarios = args.length ? args : ['bare', 'catalog', 'inventory', 'payments', 'orders', 'checkout', 'notifications'];

let adminUrl = process.env.DATABASE_URL ?? '';

async function newDatabase(name: string): Promise<string> {
  const url = new URL(adminUrl);
  url.pathname = `/bench_${name}_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(url.toString());
  return url.toString();
}

function listen(handler: express.Express): Promise<{ server: Server; client: Pool }> {
  return new Promise((resolve) => {
    const server = handler.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, client: new Pool(`http://127.0.0.1:${port}`, { connections: 1 }) });
    });
  });
}

type Send = (client: Pool, i: number) => Promise<void>;

async function call(client: Pool, options: Dispatcher.RequestOptions, expected: number[]): Promise<void> {
  const res = await client.request(options);
  const text = await res.body.text();
  if (!expected.includes(res.statusCode)) throw new Error(`${options.method} ${options.path}: ${res.statusCode} ${text}`);
}

const json = (token: string, body: unknown, extra: Record<string, string> = {}) => ({
  headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...extra },
  body: JSON.stringify(body),
});

/** CPU per iteration (each iteration is one scenario step: one or two requests) in ms. */
async function measure(name: string, client: Pool, send: Send): Promise<void> {
  for (let i = 0; i < WARMUP; i++) await send(client, -1 - i);
  const before = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let i = 0; i < N; i++) await send(client, i);
  const cpu = process.cpuUsage(before);
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  const perIteration = (cpu.user + cpu.system) / 1000 / N;
  results.set(name, [...(results.get(name) ?? []), perIteration]);
  console.error(`${name.padEnd(28)} ${perIteration.toFixed(3)} ms CPU per iteration (user ${(cpu.user / 1000 / N).toFixed(3)}, system ${(cpu.system / 1000 / N).toFixed(3)}), wall ${(wall / N).toFixed(3)} ms, n=${N}`);
}

async function startService(definition: ServiceDefinition, env: Record<string, string> = {}) {
  const orm = await prepareServiceDatabase(await newDatabase(definition.name), definition.database);
  // Logs as in production (info, one JSON line per request), to /dev/null.
  const logger = createLogger(definition.name, pino.destination({ dest: '/dev/null', sync: true }));
  const app = definition.createApp({ orm, logger, auth: testTokenVerifier, serviceToken: () => signTestToken(`service:${definition.name}`, ['service']), env });
  const { server, client } = await listen(app);
  return { orm, server, client, close: async () => { await client.close(); server.close(); await orm.close(); } };
}

const PRODUCT_COLUMNS = 'sku, name, description, price_amount, price_currency, images, category, active, created_at, updated_at';

async function run(scenario: string, token: string): Promise<void> {
  switch (scenario) {
    case 'bare': {
      // bench/bare-catalog.ts's handler, against a catalog database.
      const service = await startService(catalogService);
      await seedProduct(service.client, token);
      const pool = new PgPool({ connectionString: service.orm.config.getClientUrl(), max: 10 });
      const app = express();
      app.get('/products/:sku', async (req, res, next) => {
        try {
          const { rows } = await pool.query(`select ${PRODUCT_COLUMNS} from products where sku = $1 and active`, [req.params.sku]);
          const row = rows[0];
          res.json({ sku: row.sku, name: row.name, description: row.description, price: { amount: row.price_amount, currency: row.price_currency }, images: row.images, category: row.category, active: row.active, createdAt: row.created_at, updatedAt: row.updated_at });
        } catch (error) {
          next(error);
        }
      });
      const bare = await listen(app);
      await measure('bare express + pg GET', bare.client, (client) => call(client, { method: 'GET', path: '/products/BENCH-1' }, [200]));
      await bare.client.close();
      bare.server.close();
      await pool.end();
      await service.close();
      return;
    }
    case 'catalog': {
      const service = await startService(catalogService);
      await seedProduct(service.client, token);
      await measure('catalog GET /products/{sku}', service.client, (client) => call(client, { method: 'GET', path: '/products/BENCH-1' }, [200]));
      await service.close();
      return;
    }
    case 'inventory': {
      const service = await startService(inventoryService);
      await call(service.client, { method: 'PUT', path: '/stock/BENCH-1', ...json(token, { onHand: 100_000_000 }) }, [200]);
      await measure('inventory reserve + commit', service.client, async (client) => {
        const id = randomUUID();
        await call(client, { method: 'PUT', path: `/reservations/${id}`, ...json(token, { lines: [{ sku: 'BENCH-1', quantity: 1 }], ttlSeconds: 600 }) }, [201]);
        await call(client, { method: 'POST', path: `/reservations/${id}/commit` , headers: { authorization: `Bearer ${token}` } }, [200]);
      });
      await service.close();
      return;
    }
    case 'payments': {
      const provider = await startSimulator('payment-provider', 'payment_provider', (databaseUrl) => ({ PAYMENT_PROVIDER_DATABASE_URL: databaseUrl }), /"url":"([^"]+)"/);
      try {
        const service = await startService(paymentsService, { PAYMENT_PROVIDER_URL: provider.url, PAYMENT_PROVIDER_API_KEY: 'sk_test_shop_simulator' });
        const method = await service.client.request({ method: 'POST', path: '/payment-methods', ...json(token, { card: { number: '4242424242424242', expMonth: 12, expYear: new Date().getFullYear() + 2, cvc: '123' } }) });
        const { id: paymentMethodId } = (await method.body.json()) as { id: string };
        await measure('payments charge', service.client, (client) => {
          const reference = randomUUID();
          return call(
            client,
            { method: 'POST', path: '/charges', ...json(token, { reference, customerId: 'customer-1', amount: { amount: 2500, currency: 'USD' }, paymentMethodId, description: `Checkout ${reference}` }, { 'idempotency-key': `${reference}:charge` }) },
            [201],
          );
        });
        await service.close();
      } finally {
        provider.process.kill('SIGTERM');
      }
      return;
    }
    case 'orders': {
      const service = await startService(ordersService);
      await measure('orders create', service.client, (client) =>
        call(client, { method: 'PUT', path: `/orders/${randomUUID()}`, ...json(token, orderRequest(`checkout-${randomUUID()}`)) }, [201]),
      );
      await service.close();
      return;
    }
    case 'checkout': {
      // The orders service's part of a shopper's checkout: the gateway records it, then the workflow creates its order.
      const service = await startService(ordersService);
      await measure('orders record + create', service.client, async (client) => {
        const checkoutId = randomUUID();
        await call(client, { method: 'PUT', path: `/checkouts/${checkoutId}`, ...json(token, { customerId: 'customer-1', idempotencyKey: `key-${checkoutId}`, requestFingerprint: 'a'.repeat(64) }) }, [201]);
        await call(client, { method: 'PUT', path: `/orders/${randomUUID()}`, ...json(token, orderRequest(checkoutId)) }, [201]);
      });
      await service.close();
      return;
    }
    case 'notifications': {
      const mailServer = await startSimulator('mail-server', 'mail_server', (databaseUrl) => ({ MAIL_SERVER_DATABASE_URL: databaseUrl, MAIL_SERVER_SMTP_PORT: '0' }), /"smtpUrl":"([^"]+)"/);
      try {
        const service = await startService(notificationsService, { SMTP_URL: mailServer.url });
        // As the worker's notifyCustomer sends the order confirmation: the event id is the Idempotency-Key.
        await measure('notifications send', service.client, (client) => {
          const key = `checkout-${randomUUID()}:notify:order_confirmed`;
          return call(
            client,
            {
              method: 'POST',
              path: '/notifications',
              ...json(token, { eventId: key, customerId: 'customer-1', template: 'order_confirmed', data: { orderId: randomUUID(), total: 2500, currency: 'USD' }, email: 'ada@example.com' }, { 'idempotency-key': key }),
            },
            [201],
          );
        });
        await service.close();
      } finally {
        mailServer.process.kill('SIGTERM');
      }
      return;
    }
    default:
      throw new Error(`unknown scenario ${scenario}`);
  }
}

/** An order as the checkout creates it. */
function orderRequest(checkoutId: string) {
  return {
    checkoutId,
    customerId: 'customer-1',
    customerEmail: 'ada@example.com',
    currency: 'USD',
    lines: [{ sku: 'MUG-TEMPORAL', name: 'Temporal mug', quantity: 2, unitPrice: 1250 }],
    total: 2500,
    shippingAddress: { name: 'Ada Lovelace', line1: '12 Analytical Way', city: 'London', postalCode: 'N1 9GU', country: 'GB' },
    chargeId: `ch_${randomUUID()}`,
  };
}

async function seedProduct(client: Pool, _token: string): Promise<void> {
  const admin = await signTestToken('admin-1', ['admin']);
  await call(
    client,
    { method: 'POST', path: '/products', ...json(admin, { sku: 'BENCH-1', name: 'Temporal mug', description: 'A mug.', price: { amount: 1250, currency: 'USD' }, images: ['https://images.example.com/mug.jpg'], category: 'mugs' }) },
    [201],
  );
}

/** A simulator in a process of its own, so its CPU is not counted; resolves with the URL its start-up log line names. */
async function startSimulator(
  name: string,
  database: string,
  env: (databaseUrl: string) => Record<string, string>,
  urlInLog: RegExp,
): Promise<{ url: string; process: ChildProcess }> {
  const databaseUrl = await newDatabase(database);
  // From the sources through tsx, or built (dist/bench/requests.js) as it is.
  const built = __filename.endsWith('.js');
  const main = path.join(__dirname, '../simulators', name, built ? 'main.js' : 'main.ts');
  const child = spawn(process.execPath, built ? [main] : ['--import', 'tsx', main], {
    env: { ...process.env, ...env(databaseUrl), PORT: '0', HOST: '127.0.0.1', NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      const match = urlInLog.exec(out);
      if (!match) return;
      // From here on its log is drained unread.
      child.stdout!.off('data', read);
      child.stdout!.resume();
      resolve(match[1]!);
    };
    child.stdout!.on('data', read);
    child.on('exit', (code) => reject(new Error(`the ${name} simulator exited with ${code}`)));
  });
  return { url, process: child };
}

async function main(): Promise<void> {
  let stop = async () => {};
  if (!adminUrl) {
    const dataDir = path.join(os.tmpdir(), `bench-requests-pg-${randomBytes(6).toString('hex')}`);
    const postgres = await startEmbeddedPostgres({ dataDir, port: await getFreePort(), persistent: false });
    adminUrl = postgres.adminUrl;
    stop = () => postgres.stop();
  }
  try {
    // A token per scenario: they live 15 minutes at most (platform/auth.ts), and a run with rounds takes longer.
    for (let round = 0; round < ROUNDS; round++) for (const scenario of scenarios) await run(scenario, await signTestToken('service:bench', ['service']));
    if (ROUNDS > 1) {
      // The median of the rounds: the machine is shared, so single rounds drift.
      for (const [name, values] of results) {
        const sorted = [...values].sort((a, b) => a - b);
        console.error(`median ${name.padEnd(28)} ${sorted[Math.floor(sorted.length / 2)]!.toFixed(3)} ms (${sorted.map((v) => v.toFixed(2)).join(' ')})`);
      }
    }
  } finally {
    await stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
