/**
 * Takes the support runbook's screenshots (docs/runbook/*.png) from the real
 * Temporal UI of a running `npm start`, in headless Chromium. It first makes
 * a checkout that needs support, as the demo customer through the gateway,
 * with the test card whose charges always fail transiently (the provider
 * "is down"); once the charge's retries run out (about a minute) the
 * checkout waits for support, and the script walks the runbook as the demo
 * support account: sign in at the codec server, point the UI at it, find the
 * checkout, read its state and its decoded input, cancel it with a reason;
 * and, in a browser that did not sign in, the same checkout as ciphertext.
 *   npx tsx scripts/runbook-screenshots.ts
 * Chromium: CHROMIUM_PATH, else /usr/bin/chromium (Debian's `chromium` package).
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { codecEndpoint, codecServerConfig } from '../codec-server/config';
import { createServiceClient } from '../platform/http-client';
import { createCartClient } from '../services/cart/client';
import { createPaymentsClient } from '../services/payments/client';
import type { paths as GatewayPaths } from '../gateway/api.gen';
import { temporalConnectionConfig } from '../temporal.config';
import { checkoutWorkflowId } from '../workflows/messages';
import { ensureAccount } from './accounts';
import { chromiumPath, CHROMIUM_ARGS } from './chromium';
import { DEMO_ACCOUNTS, TEST_CARDS } from './demo-data';

const OUT = path.resolve(__dirname, '../docs/runbook');
const gatewayUrl = process.env.GATEWAY_URL || 'http://127.0.0.1:8080';

async function checkoutNeedingSupport(): Promise<{ workflowId: string; customerId: string }> {
  // A customer of its own, so no other checkout holds the cart.
  const { session } = await ensureAccount({ email: `grace-${randomUUID().slice(0, 8)}@shop.example`, password: 'grace-password-change-me', name: 'Grace Hopper', phone: '+15555550199' });
  const options = { headers: { authorization: `Bearer ${session.accessToken}` } };
  const cart = createCartClient(gatewayUrl, options);
  await cart.PUT('/carts/{customerId}/items/{sku}', { params: { path: { customerId: session.user.id, sku: 'HOODIE-GREY-M' } }, body: { quantity: 1 } });
  const card = await createPaymentsClient(gatewayUrl, options).POST('/payment-methods', {
    body: { card: { number: TEST_CARDS.processingError, expMonth: 12, expYear: new Date().getUTCFullYear() + 2, cvc: '123' } },
  });
  const gateway = createServiceClient<GatewayPaths>(gatewayUrl, options);
  const started = await gateway.POST('/checkouts', {
    params: { header: { 'Idempotency-Key': randomUUID() } },
    body: { paymentMethodId: card.data!.id, shippingAddress: { name: 'Ada Lovelace', line1: '12 Analytical Way', city: 'London', postalCode: 'N1 9GU', country: 'GB' } },
  });
  const checkout = started.data;
  if (!checkout) throw new Error(`the checkout did not start: ${JSON.stringify(started.error)}`);
  console.log(`checkout ${checkout.id} started; waiting for its charge's retries to run out...`);
  for (;;) {
    const { data } = await gateway.GET('/checkouts/{checkoutId}', { params: { path: { checkoutId: checkout.id } } });
    if (data?.waitingForSupport) break;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  return { workflowId: checkoutWorkflowId(checkout.id), customerId: session.user.id };
}

async function shot(page: Page, name: string, waitFor: string | RegExp | Locator): Promise<void> {
  const shown = typeof waitFor === 'string' || waitFor instanceof RegExp ? page.getByText(waitFor).first() : waitFor;
  await shown.waitFor({ timeout: 30_000 });
  await page.waitForTimeout(1000);
  await page.screenshot({ path: path.join(OUT, `${name}.png`) });
  console.log(`docs/runbook/${name}.png`);
}

/** Support signs in at the codec server, then tells the UI (once per browser) to call it with credentials. */
async function signInForDecodedPayloads(page: Page, base: string, endpoint: string): Promise<void> {
  await page.goto(`${endpoint}/`);
  await page.getByLabel('E-mail').fill(DEMO_ACCOUNTS.support.email);
  await page.getByLabel('Password').fill(DEMO_ACCOUNTS.support.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await shot(page, '0-codec-sign-in', /^Signed in as/);

  await page.goto(`${base}/workflows`, { waitUntil: 'domcontentloaded' });
  await page.locator('[data-testid^="data-encoder-status"]').first().click();
  const dialog = page.locator('dialog[open]');
  await dialog.getByText('Use my browser setting').click();
  await dialog.locator('#data-encoder-endpoint-input').fill(endpoint);
  await dialog.getByTestId('data-encoder-include-credentials').click();
  await shot(page, '0-ui-codec-settings', dialog.getByText('Include cross-origin credentials'));
  await dialog.getByRole('button', { name: 'Apply' }).click();
  await dialog.waitFor({ state: 'hidden' });
}

/** A browser of its own, as anyone who did not sign in at the codec server. */
async function withoutSignIn(browser: Browser, url: string): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    await shot(page, '8-without-sign-in', page.locator('#content').getByText('Codec Server could not connect'));
  } finally {
    await context.close();
  }
}

async function main(): Promise<void> {
  const { workflowId, customerId } = await checkoutNeedingSupport();
  const config = temporalConnectionConfig();
  const base = `${process.env.TEMPORAL_UI_URL || `http://127.0.0.1:${config.uiPort}`}/namespaces/${config.namespace}`;
  const endpoint = codecEndpoint(codecServerConfig());
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await signInForDecodedPayloads(page, base, endpoint);
    const list = (query: string) => page.goto(`${base}/workflows?query=${encodeURIComponent(query)}`, { waitUntil: 'networkidle' });

    await list(`CheckoutStatus="WaitingForSupport"`);
    await shot(page, '1-waiting-for-support', workflowId);

    await list(`CustomerId="${customerId}"`);
    await shot(page, '2-customer-checkouts', workflowId);

    // The workflow page long-polls its history, so the network never idles: wait for what it shows.
    await page.setViewportSize({ width: 1440, height: 1300 });
    await page.goto(`${base}/workflows/${encodeURIComponent(workflowId)}`, { waitUntil: 'domcontentloaded' });
    await shot(page, '3-checkout-timeline', /^Waiting for support: /);

    // What support needs to talk to the customer, decoded for them alone.
    await page.setViewportSize({ width: 1440, height: 900 });
    await shot(page, '7-decoded-input', page.getByText('"customerEmail"').first());
    await page.setViewportSize({ width: 1440, height: 1300 });

    await page.getByText('Queries', { exact: true }).click();
    await page.getByRole('button', { name: 'Run Query' }).click();
    await shot(page, '4-checkout-state-query', 'waiting_for_support');

    await page.setViewportSize({ width: 1440, height: 900 });
    await page.getByRole('button', { name: 'More Actions' }).click();
    await page.getByRole('menuitem', { name: 'Send an Update' }).click();
    const dialog = page.locator('dialog[open]');
    await dialog.getByTestId('update-select-button').click();
    await dialog.getByRole('option', { name: /cancelCheckout/ }).click();
    const data = dialog.locator('.cm-content').first();
    await data.click();
    await page.keyboard.type(JSON.stringify({ reason: 'Payment provider outage INC-1042; customer asked to cancel', by: 'support', actor: 'sam@shop.example' }));
    // Leaving the editor reformats the JSON (and moves the buttons): do that before clicking Submit.
    await dialog.getByText('Single JSON payload supported.').click();
    await shot(page, '5-cancel-update', dialog.getByText('Payment provider outage'));
    await dialog.getByRole('button', { name: 'Submit' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 30_000 });
    await page.waitForTimeout(2000);

    await list(`CustomerId="${customerId}" AND FailureReason="CancelledBySupport"`);
    await shot(page, '6-cancelled-by-support', workflowId);

    await withoutSignIn(browser, `${base}/workflows/${encodeURIComponent(workflowId)}`);
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
