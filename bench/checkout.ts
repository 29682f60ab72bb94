/**
 * npm run bench: checkout latency and throughput against a running `npm start`.
 *   npm run bench -- --checkouts 100 --concurrency 10
 * Each checkout is a real saga: reservation, charge, order, commit, e-mail.
 * Prints p50/p95/max end-to-end latency (start → result) and checkouts per second.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createPaymentsClient } from '../services/payments/client';
import { createInventoryClient } from '../services/inventory/client';
import { serviceUrl } from '../platform/services';
import { connectClient } from '../platform/temporal-connection';
import { temporalConnectionConfig } from '../temporal.config';
import { checkoutWorkflowId, type CheckoutInput, type CheckoutResult } from '../workflows/messages';
import { TEST_CARDS } from '../scripts/demo-data';
import { ensureAccount, logInAsAdmin } from '../scripts/accounts';

const BENCH_ACCOUNT = { email: 'bench@shop.example', password: 'bench-password-change-me', name: 'Bench Shopper' };

const { values } = parseArgs({
  options: { checkouts: { type: 'string', default: '50' }, concurrency: { type: 'string', default: '5' } },
});
const total = Number(values.checkouts);
const concurrency = Number(values.concurrency);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  const config = temporalConnectionConfig();
  const client = await connectClient(config);
  const admin = await logInAsAdmin();
  const { session } = await ensureAccount(BENCH_ACCOUNT);
  const payments = createPaymentsClient(serviceUrl('payments'), { headers: { authorization: `Bearer ${session.accessToken}` } });
  const inventory = createInventoryClient(serviceUrl('inventory'), { headers: { authorization: `Bearer ${admin.accessToken}` } });
  const sku = `BENCH-${Date.now()}`;
  const stocked = await inventory.PUT('/stock/{sku}', { params: { path: { sku } }, body: { onHand: total } });
  if (!stocked.response.ok) throw new Error(`stocking ${sku} failed: ${stocked.response.status}`);
  const token = await payments.POST('/payment-methods', {
    body: { card: { number: TEST_CARDS.success, expMonth: 12, expYear: new Date().getUTCFullYear() + 1, cvc: '123' } },
  });
  if (!token.data) throw new Error('tokenising the bench card failed');
  const paymentMethodId = token.data.id;

  const latencies: number[] = [];
  let failed = 0;
  let next = 0;
  const runOne = async () => {
    const checkoutId = randomUUID();
    const input: CheckoutInput = {
      checkoutId,
      customerId: session.user.id,
      customerEmail: session.user.email,
      currency: 'USD',
      lines: [{ sku, name: 'Bench item', quantity: 1, unitPrice: 100 }],
      paymentMethodId,
      shippingAddress: { name: 'Bench', line1: '1 Loop', city: 'Localhost', postalCode: '00000', country: 'US' },
    };
    const started = performance.now();
    const result = (await client.workflow.execute('checkoutWorkflow', {
      taskQueue: config.taskQueue,
      workflowId: checkoutWorkflowId(checkoutId),
      args: [input],
    })) as CheckoutResult;
    latencies.push(performance.now() - started);
    if (result.status !== 'completed') failed += 1;
  };
  const wallStart = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next += 1;
        await runOne();
      }
    }),
  );
  const wall = (performance.now() - wallStart) / 1000;
  latencies.sort((a, b) => a - b);
  console.log(`checkouts: ${total} (concurrency ${concurrency}), failed: ${failed}`);
  console.log(`latency ms: p50 ${percentile(latencies, 50).toFixed(0)}, p95 ${percentile(latencies, 95).toFixed(0)}, max ${latencies.at(-1)?.toFixed(0)}`);
  console.log(`throughput: ${(total / wall).toFixed(1)} checkouts/s over ${wall.toFixed(1)} s`);
  const stock = await inventory.GET('/stock/{sku}', { params: { path: { sku } } });
  console.log(`stock check: ${sku} on hand ${stock.data?.onHand} (expected ${failed}: one unit per completed checkout was sold)`);
  await client.connection.close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
