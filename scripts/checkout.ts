/**
 * Runs one checkout against a running `npm start`, as a shopper's order would:
 *   npm run checkout                                  # a successful order
 *   npm run checkout -- --card 4000000000000002       # a declined card, compensated
 *   npm run checkout -- --sku MUG-TEMPORAL --quantity 2
 * It signs in as the demo customer (ada@shop.example), tokenises the card as
 * them, and starts the checkout workflow directly (the gateway's
 * POST /checkouts is the shopper's way). Prints the checkout's state as it
 * moves, then the result.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { WorkflowIdReusePolicy } from '@temporalio/client';
import { createPaymentsClient } from '../services/payments/client';
import { serviceUrl } from '../platform/services';
import { connectClient } from '../platform/temporal-connection';
import { temporalConnectionConfig } from '../temporal.config';
import { checkoutWorkflowId, getCheckoutStateQuery, type CheckoutInput, type CheckoutResult } from '../workflows/messages';
import { DEMO_ACCOUNTS, DEMO_PRODUCTS, TEST_CARDS } from './demo-data';
import { ensureAccount } from './accounts';

const { values } = parseArgs({
  options: {
    card: { type: 'string', default: TEST_CARDS.success },
    sku: { type: 'string', default: 'TSHIRT-BLUE-M' },
    quantity: { type: 'string', default: '1' },
  },
});

async function main(): Promise<void> {
  const product = DEMO_PRODUCTS.find((candidate) => candidate.sku === values.sku);
  if (!product) throw new Error(`unknown --sku ${values.sku}; demo SKUs: ${DEMO_PRODUCTS.map((p) => p.sku).join(', ')}`);
  const quantity = Number(values.quantity);
  if (!Number.isInteger(quantity) || quantity < 1) throw new Error('--quantity must be a whole number of at least 1');

  const { session } = await ensureAccount(DEMO_ACCOUNTS.customer);
  const customer = session.user;
  const payments = createPaymentsClient(serviceUrl('payments'), { headers: { authorization: `Bearer ${session.accessToken}` } });
  const nextYear = new Date().getUTCFullYear() + 1;
  const tokenised = await payments.POST('/payment-methods', {
    body: { card: { number: values.card, expMonth: 12, expYear: nextYear, cvc: '123' } },
  });
  if (!tokenised.data) throw new Error(`tokenising the card failed: ${JSON.stringify(tokenised.error)}`);

  const checkoutId = randomUUID();
  const input: CheckoutInput = {
    checkoutId,
    customerId: customer.id,
    customerEmail: customer.email,
    ...(customer.phone ? { customerPhone: customer.phone } : {}),
    currency: product.currency,
    lines: [{ sku: product.sku, name: product.name, quantity, unitPrice: product.price }],
    paymentMethodId: tokenised.data.id,
    shippingAddress: { name: 'Demo Shopper', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
  };

  const config = temporalConnectionConfig();
  const client = await connectClient(config);
  const handle = await client.workflow.start('checkoutWorkflow', {
    taskQueue: config.taskQueue,
    workflowId: checkoutWorkflowId(checkoutId),
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    args: [input],
  });
  console.log(`checkout ${checkoutId} started: workflow ${handle.workflowId}`);

  let lastStep = '';
  const poll = setInterval(() => {
    handle.query(getCheckoutStateQuery).then(
      (state) => {
        if (state.step !== lastStep) console.log(`  ${state.status} · ${state.step}`);
        lastStep = state.step;
      },
      () => undefined,
    );
  }, 200);
  const result = (await handle.result()) as CheckoutResult;
  clearInterval(poll);
  console.log(JSON.stringify(result, null, 2));
  const uiUrl = process.env.TEMPORAL_UI_URL || `http://127.0.0.1:${config.uiPort}`;
  console.log(`See it in the Temporal UI: ${uiUrl}/namespaces/${config.namespace}/workflows/${handle.workflowId}`);
  await client.connection.close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
