/**
 * The hazard of calling an outside party, made real: the payments service
 * runs as a child process, and is killed with SIGKILL after the provider has
 * charged (or refunded) and before payments has committed what the provider
 * answered. The test stops payments at that point without any hook in its
 * code: it holds a lock on the table the answer is recorded in, waits until
 * the provider has the charge and payments waits for the lock, then kills it
 * (and the session of its waiting statement, which PostgreSQL would otherwise
 * finish: the answer is recorded in one statement outside a transaction).
 *
 * Then the charge is retried as the checkout workflow retries it (the same
 * request, the same Idempotency-Key), or left to the reconciliation job, and
 * the provider must hold exactly one charge, payments exactly one charge row.
 */
import { createPublicKey } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { JWKS_PATH } from '../../platform/auth';
import { startProcess, tsxCommand, waitForHttp, type ManagedProcess } from '../../dev/processes';
import { asService, testSigningKey } from '../../test/support/auth';
import { createTestDatabase } from '../../test/support/database';
import { holdTableLock, until, untilWaitingForLock } from '../../test/support/locks';
import { startTestPaymentProvider, type TestPaymentProvider } from '../../test/support/payment-provider';
import { getFreePort } from '../../test/support/ports';

jest.setTimeout(180_000);

const root = path.resolve(__dirname, '../..');
let provider: TestPaymentProvider;
let jwks: Server;
let jwksUrl: string;
let serviceAuth: string;
let counter = 0;

beforeAll(async () => {
  provider = await startTestPaymentProvider();
  // The payments process checks tokens against a key set, as it fetches the users service's: here, the tests' key.
  const key = { ...createPublicKey(testSigningKey).export({ format: 'jwk' }), kid: 'test-key', alg: 'ES256', use: 'sig' };
  jwks = createServer((req, res) => {
    res.writeHead(req.url === JWKS_PATH ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(req.url === JWKS_PATH ? { keys: [key] } : {}));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;
  serviceAuth = await asService('worker');
});

afterAll(async () => {
  await provider?.stop();
  await new Promise((resolve) => jwks?.close(resolve));
});

interface Payments {
  url: string;
  process: ManagedProcess;
  databaseUrl: string;
}

const running: ManagedProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((child) => child.stop({ graceMs: 5_000 })));
});

/**
 * payments/main.ts in a process of its own, on `databaseUrl`, calling the test's provider.
 * Its errors are logged (tests are silent otherwise) so a failed start names its reason; a port
 * taken between getFreePort and the child's listen (other suites run alongside) is retried on another.
 */
async function startPayments(databaseUrl: string, env: Record<string, string> = {}): Promise<Payments> {
  for (let attempt = 1; ; attempt++) {
    const port = await getFreePort();
    const { command, args } = tsxCommand(path.join(root, 'services/payments/main.ts'));
    const child = startProcess({
      name: 'payments',
      command,
      args,
      cwd: root,
      env: {
        ...process.env,
        LOG_LEVEL: 'error',
        PAYMENTS_DATABASE_URL: databaseUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        USERS_URL: jwksUrl,
        SERVICE_CLIENT_SECRET: 'provider-crash-test',
        ...provider.env,
        ...env,
      },
    });
    running.push(child);
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitForHttp(`${url}/ready`, { timeoutMs: 120_000, what: 'the payments process', process: child });
      return { url, process: child, databaseUrl };
    } catch (error) {
      if (attempt < 3 && child.recentOutput().includes('EADDRINUSE')) continue;
      throw error;
    }
  }
}

async function call(payments: Payments, method: string, route: string, body?: unknown, key?: string) {
  const response = await fetch(`${payments.url}${route}`, {
    method,
    headers: { authorization: serviceAuth, 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

async function rows<T>(databaseUrl: string, query: string, params: unknown[]): Promise<T[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(query, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** A checkout's charge request, as the workflow's activity sends it. */
async function checkoutCharge(payments: Payments) {
  const method = await call(payments, 'POST', '/payment-methods', { card: { number: '4242424242424242', expMonth: 12, expYear: new Date().getUTCFullYear() + 1, cvc: '123' } });
  expect(method.status).toBe(201);
  const reference = `checkout-crash-${++counter}-${Date.now()}`;
  return {
    reference,
    key: `checkout-${reference}:charge`,
    body: { reference, customerId: 'customer-1', amount: { amount: 4200, currency: 'EUR' }, paymentMethodId: method.body.id, description: `Checkout ${reference}` },
  };
}

/**
 * Ends the sessions of `databaseUrl` waiting for a lock on `table`. A statement
 * outside a transaction is committed by PostgreSQL even when the process that
 * sent it has died meanwhile (the server learns of it only when it answers), so
 * a crash caught while its statement waits on the test's lock would be a crash
 * just after recording. Ending the session too makes it the crash just before.
 */
async function endSessionsWaitingFor(databaseUrl: string, table: string): Promise<void> {
  const ended = await rows<{ ended: boolean }>(
    databaseUrl,
    `select pg_terminate_backend(l.pid) as ended from pg_locks l join pg_class c on c.oid = l.relation
     where not l.granted and c.relname = $1 and l.database = (select oid from pg_database where datname = current_database())`,
    [table],
  );
  expect(ended).toEqual([{ ended: true }]);
}

/**
 * Sends the charge and kills payments once the provider has charged and the
 * statement recording its answer waits on the test's lock: with
 * `statement: 'ended'` that statement dies too (the crash came just before it
 * was sent), with 'sent' PostgreSQL finishes it. The request never gets an answer.
 */
async function killWhileRecording(payments: Payments, charge: Awaited<ReturnType<typeof checkoutCharge>>, statement: 'ended' | 'sent') {
  const lock = await holdTableLock(payments.databaseUrl, 'charges');
  try {
    const request = call(payments, 'POST', '/charges', charge.body, charge.key).then(
      (res) => `answered ${res.status}`,
      () => 'no answer',
    );
    await until(async () => (await provider.chargesFor(charge.reference)).length > 0);
    await untilWaitingForLock(payments.databaseUrl, 'charges');
    expect(await payments.process.stop({ signal: 'SIGKILL' })).toMatchObject({ signal: 'SIGKILL' });
    expect(await request).toBe('no answer');
    if (statement === 'ended') await endSessionsWaitingFor(payments.databaseUrl, 'charges');
  } finally {
    await lock.release();
  }
}

/** Kills payments between the provider's charge and the statement that would record it. */
async function chargeAndCrash(payments: Payments, charge: Awaited<ReturnType<typeof checkoutCharge>>) {
  await killWhileRecording(payments, charge, 'ended');
  // The provider charged; payments holds only the attempt it committed before asking, still pending.
  expect(await provider.chargesFor(charge.reference)).toHaveLength(1);
  expect(await rows(payments.databaseUrl, 'select id from charges where reference = $1', [charge.reference])).toEqual([]);
  expect(await rows(payments.databaseUrl, 'select status from charge_attempts where reference = $1', [charge.reference])).toEqual([{ status: 'pending' }]);
}

async function expectOneChargeEverywhere(databaseUrl: string, reference: string, chargeId: unknown) {
  const atProvider = await provider.chargesFor(reference);
  expect(atProvider).toHaveLength(1);
  expect(atProvider[0]).toMatchObject({ status: 'succeeded', amount: 4200, currency: 'eur', metadata: { shop_reference: reference, shop_charge_id: chargeId } });
  const recorded = await rows<{ id: string; status: string; provider_charge_id: string }>(databaseUrl, 'select id, status, provider_charge_id from charges where reference = $1', [reference]);
  expect(recorded).toEqual([{ id: chargeId, status: 'succeeded', provider_charge_id: atProvider[0]!.id }]);
}

it('a crash between the provider’s charge and our commit: the retry finds the pending charge, the provider replays it, one charge', async () => {
  const databaseUrl = await createTestDatabase('payments_crash');
  const first = await startPayments(databaseUrl);
  const charge = await checkoutCharge(first);
  await chargeAndCrash(first, charge);

  // The workflow retries the activity: the same request with the same key, to a payments process started again.
  const second = await startPayments(databaseUrl);
  const retried = await call(second, 'POST', '/charges', charge.body, charge.key);
  expect(retried).toMatchObject({ status: 201, body: { reference: charge.reference, status: 'succeeded' } });
  await expectOneChargeEverywhere(databaseUrl, charge.reference, retried.body.id);

  const again = await call(second, 'POST', '/charges', charge.body, charge.key);
  expect(again.headers.get('idempotent-replayed')).toBe('true');
  expect(again.body.id).toBe(retried.body.id);
  await expectOneChargeEverywhere(databaseUrl, charge.reference, retried.body.id);
});

it('a crash while the statement recording the answer is on its way: it is recorded whole, and the retry answers with that charge', async () => {
  const databaseUrl = await createTestDatabase('payments_crash_sent');
  const first = await startPayments(databaseUrl);
  const charge = await checkoutCharge(first);
  await killWhileRecording(first, charge, 'sent');
  // PostgreSQL finishes the statement of the dead process: the outcome, the charge and the reference, together.
  await until(async () => (await rows(databaseUrl, 'select id from charges where reference = $1', [charge.reference])).length > 0);
  const [attempt] = await rows<{ id: string; status: string }>(databaseUrl, 'select id, status from charge_attempts where reference = $1', [charge.reference]);
  expect(attempt?.status).toBe('succeeded');
  expect(await rows(databaseUrl, 'select status, charge_id from payment_references where reference = $1', [charge.reference])).toEqual([
    { status: 'charged', charge_id: attempt?.id },
  ]);

  // No response was stored under the key: the retry finds its own answered attempt and answers with its charge.
  const second = await startPayments(databaseUrl);
  const retried = await call(second, 'POST', '/charges', charge.body, charge.key);
  expect(retried).toMatchObject({ status: 201, body: { id: attempt?.id, status: 'succeeded' } });
  expect(retried.headers.get('idempotent-replayed')).toBeNull();
  await expectOneChargeEverywhere(databaseUrl, charge.reference, attempt?.id);
});

it('a charge left pending by a crash is settled by the reconciliation job, from the provider, before anyone retries', async () => {
  const databaseUrl = await createTestDatabase('payments_reconcile');
  const first = await startPayments(databaseUrl);
  const charge = await checkoutCharge(first);
  await chargeAndCrash(first, charge);

  const second = await startPayments(databaseUrl, { PAYMENTS_RECONCILE_INTERVAL_MS: '100', PAYMENTS_RECONCILE_AFTER_MS: '0' });
  await until(async () => (await rows(databaseUrl, 'select id from charges where reference = $1', [charge.reference])).length > 0);
  const [attempt] = await rows<{ id: string; status: string }>(databaseUrl, 'select id, status from charge_attempts where reference = $1', [charge.reference]);
  expect(attempt?.status).toBe('succeeded');
  await expectOneChargeEverywhere(databaseUrl, charge.reference, attempt?.id);

  // The workflow's retry, when it comes, gets that charge: not a second one.
  const retried = await call(second, 'POST', '/charges', charge.body, charge.key);
  expect(retried).toMatchObject({ status: 201, body: { id: attempt?.id, status: 'succeeded' } });
  await expectOneChargeEverywhere(databaseUrl, charge.reference, attempt?.id);
});

it('a crash between the provider’s refund and our commit: the compensation, run again, refunds once', async () => {
  const databaseUrl = await createTestDatabase('payments_refund_crash');
  const first = await startPayments(databaseUrl);
  const charge = await checkoutCharge(first);
  const charged = await call(first, 'POST', '/charges', charge.body, charge.key);
  expect(charged.status).toBe(201);
  const [providerCharge] = await provider.chargesFor(charge.reference);
  const providerRefunds = async () => {
    const { data } = await provider.client.GET('/v1/refunds', { params: { query: { charge: providerCharge!.id } } });
    return data?.data ?? [];
  };

  const lock = await holdTableLock(databaseUrl, 'refunds');
  try {
    const compensation = call(first, 'POST', `/references/${charge.reference}/refund`).then(
      (res) => `answered ${res.status}`,
      () => 'no answer',
    );
    await until(async () => (await providerRefunds()).length > 0);
    await untilWaitingForLock(databaseUrl, 'refunds');
    await first.process.stop({ signal: 'SIGKILL' });
    expect(await compensation).toBe('no answer');
    await endSessionsWaitingFor(databaseUrl, 'refunds');
  } finally {
    await lock.release();
  }
  expect(await rows(databaseUrl, 'select status from refund_attempts where charge_id = $1', [charged.body.id])).toEqual([{ status: 'pending' }]);

  const second = await startPayments(databaseUrl);
  const rerun = await call(second, 'POST', `/references/${charge.reference}/refund`);
  expect(rerun).toMatchObject({ status: 200, body: { status: 'nothing_to_refund' } });
  expect(await providerRefunds()).toHaveLength(1);
  expect(await rows(databaseUrl, 'select amount from refunds where charge_id = $1', [charged.body.id])).toEqual([{ amount: 4200 }]);
  expect((await call(second, 'GET', `/charges/${String(charged.body.id)}`)).body).toMatchObject({ status: 'refunded', amountRefunded: 4200 });
});
