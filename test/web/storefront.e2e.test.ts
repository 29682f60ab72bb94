/**
 * The storefront in a real Chromium against the whole shop: every service
 * over real HTTP on its own database, the gateway serving the built app, a
 * worker with the real activities and a real Temporal dev server. Shoppers'
 * journeys, found by roles and labels as a person (or a screen reader) finds
 * things, and checked afterwards at the services themselves.
 */
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { devServerExecutable } from '../../dev/temporal-binaries';
import { SEARCH_ATTRIBUTES } from '../../temporal.config';
import { api, ADMIN, startShop, stockProduct, type Shop } from '../e2e/support';
import { buildStorefrontIfStale } from '../../scripts/build';
import { launchChromium } from '../../scripts/chromium';
import { quietTemporalRuntime } from '../support/quiet-temporal';
import { testDataConverter } from '../support/temporal-codec';

jest.setTimeout(240_000);

let temporal: TestWorkflowEnvironment;
let shop: Shop;
let gateway: string;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  // Declines and missing stock are expected here: only errors from the worker are worth printing.
  quietTemporalRuntime();
  await buildStorefrontIfStale(() => undefined);
  let bundle: WorkflowBundleWithSourceMap;
  [temporal, bundle, browser] = await Promise.all([
    TestWorkflowEnvironment.createLocal({
      server: { executable: devServerExecutable(), searchAttributes: Object.values(SEARCH_ATTRIBUTES) },
      client: { dataConverter: testDataConverter() },
    }),
    bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never }),
    launchChromium(),
  ]);
  shop = await startShop({ temporalAddress: temporal.address, connection: temporal.nativeConnection, workflowBundle: bundle });
  gateway = shop.gateway.url;
});

afterAll(async () => {
  await Promise.all(contexts.map((context) => context.close()));
  await browser?.close();
  await shop?.stop();
  await temporal?.teardown();
});

/** A fresh browser (its own cookies and storage), desktop or phone-sized. */
async function newPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport, baseURL: gateway });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  return page;
}

async function product(prefix: string, price: number, onHand: number): Promise<{ sku: string; name: string }> {
  const sku = `${prefix}-${randomUUID().slice(0, 8)}`.toUpperCase();
  await stockProduct(gateway, sku, price, onHand);
  return { sku, name: `Product ${sku}` };
}

async function signUpInBrowser(page: Page): Promise<{ email: string; password: string }> {
  const email = `browser-${randomUUID()}@example.com`;
  const password = 'a browser shopper password';
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sign up' }).click();
  await page.getByLabel('Name').fill('Grace Browser');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
  return { email, password };
}

/** A customer made through the API, logged in through the page; their id, to check the services with. */
async function logInInBrowser(page: Page): Promise<string> {
  const email = `browser-${randomUUID()}@example.com`;
  const password = 'a browser shopper password';
  const created = await api(gateway, 'POST', '/users', { body: { email, password, name: 'Ada Browser' } });
  expect(created.status).toBe(201);
  await page.goto('/login');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
  return created.body.id as string;
}

async function addToCartFromProductPage(page: Page, item: { sku: string; name: string }): Promise<void> {
  await page.goto(`/product/${item.sku}`);
  await page.getByRole('heading', { level: 1, name: item.name }).waitFor();
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByText(`Added 1 × ${item.name} to your cart.`).waitFor();
}

async function fillCheckout(page: Page, card: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Cart/ }).click();
  await page.getByRole('link', { name: 'Check out' }).click();
  await page.getByRole('heading', { level: 1, name: 'Checkout' }).waitFor();
  await page.getByLabel('Address line 1').fill('12 Analytical Way');
  await page.getByLabel('City').fill('London');
  await page.getByLabel('Postal code').fill('N1 9GU');
  await page.getByLabel('Country').selectOption('GB');
  await page.getByLabel('Card number').fill(card);
  await page.getByLabel('Expiry (MM/YY)').fill(`12/${(new Date().getUTCFullYear() + 2) % 100}`);
  await page.getByLabel('CVC').fill('123');
}

/** The services are checked as an admin: the page's own access token is out of reach, by design. */
async function admin(): Promise<string> {
  return (await api(gateway, 'POST', '/sessions', { body: ADMIN })).body.accessToken as string;
}

async function customerIdOf(email: string): Promise<string> {
  const found = await api(gateway, 'GET', `/users?email=${encodeURIComponent(email)}`, { token: await admin() });
  return found.body.items[0].id as string;
}

async function waitForCheckoutsToEnd(customerId: string): Promise<void> {
  for await (const workflow of temporal.client.workflow.list({ query: `${SEARCH_ATTRIBUTES.CustomerId.name} = '${customerId}'` })) {
    await temporal.client.workflow.getHandle(workflow.workflowId).result().catch(() => undefined);
  }
}

it('a shopper signs up, searches, fills the cart, pays with a good card and sees the order paid', async () => {
  const item = await product('WEBMUG', 1250, 10);
  const page = await newPage();
  const { email } = await signUpInBrowser(page);

  // Search from the catalog page, as a shopper types it.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Shop' }).click();
  await page.getByRole('searchbox', { name: 'Search products' }).fill(item.sku);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('heading', { level: 1, name: `Results for “${item.sku}”` }).waitFor();
  await page.getByRole('link', { name: item.name }).click();
  await page.getByRole('heading', { level: 1, name: item.name }).waitFor();
  expect(await page.getByText('$12.50').first().isVisible()).toBe(true);
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByText(`Added 1 × ${item.name} to your cart.`).waitFor();

  // The cart: change the quantity, see the total in dollars.
  await page.getByRole('link', { name: 'View cart' }).click();
  await page.getByLabel(`Quantity of ${item.name}`).fill('3');
  await page.getByLabel(`Quantity of ${item.name}`).press('Enter');
  await page.getByRole('row', { name: /Total \(3 items\)/ }).getByText('$37.50').waitFor();

  // A reload keeps the shopper signed in: the refresh cookie gets a new access token; none of it is readable by the page.
  await page.reload();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
  expect(await page.evaluate('document.cookie')).toBe('');
  expect(await page.evaluate('JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })')).not.toMatch(/eyJ/);

  await fillCheckout(page, '4242 4242 4242 4242');
  await page.getByRole('button', { name: 'Pay $37.50' }).click();

  // The progress page follows the checkout to its end.
  await page.getByRole('heading', { level: 1, name: 'Your checkout' }).waitFor();
  await page.getByText('Thank you! Your order is placed and paid').waitFor();
  const steps = page.getByRole('region', { name: 'Checkout progress' }).getByRole('listitem');
  expect((await steps.allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim())).toEqual([
    '✓ Cart locked done',
    '✓ Stock reserved done',
    '✓ Card charged done',
    '✓ Order placed done',
    '✓ Customer told done',
  ]);
  expect(await page.locator('.step').evaluateAll((items) => items.map((item) => item.getAttribute('data-state')))).toEqual(['done', 'done', 'done', 'done', 'done']);

  await page.getByRole('link', { name: 'View your order' }).click();
  await page.getByRole('heading', { level: 1, name: 'Your order' }).waitFor();
  await page.getByText('Status: Paid').waitFor();
  const history = page.getByRole('region', { name: 'Status history' }).getByRole('listitem');
  expect((await history.allInnerTexts()).map((text) => text.split(' ')[0])).toEqual(['Placed', 'Paid']);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Orders' }).click();
  await page.getByRole('heading', { level: 1, name: 'Your orders' }).waitFor();
  await page.getByRole('listitem').filter({ hasText: 'Paid' }).waitFor();
  expect(await page.getByRole('listitem').filter({ hasText: /Order of/ }).count()).toBe(1);

  // At the services: one paid order of $37.50, and the stock went down.
  const customerId = await customerIdOf(email);
  await waitForCheckoutsToEnd(customerId);
  const orders = await api(gateway, 'GET', `/orders?customerId=${customerId}`, { token: await admin() });
  expect(orders.body.items).toEqual([expect.objectContaining({ status: 'paid', total: { amount: 3750, currency: 'USD' } })]);
  expect((await api(gateway, 'GET', `/stock/${item.sku}`)).body).toMatchObject({ onHand: 7, reserved: 0 });

  // Logging out revokes the refresh cookie: a reload stays signed out.
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Log in' }).waitFor();
  await page.reload();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Log in' }).waitFor();
  expect(await page.getByRole('button', { name: 'Log out' }).count()).toBe(0);
});

it('a declined card shows the reason, charges nothing and leaves the cart open', async () => {
  const item = await product('WEBDECLINE', 4900, 5);
  const page = await newPage();
  const customerId = await logInInBrowser(page);
  await addToCartFromProductPage(page, item);
  await fillCheckout(page, '4000 0000 0000 0002');
  await page.getByRole('button', { name: 'Pay $49.00' }).click();

  const alert = page.getByRole('alert').filter({ hasText: 'Your card was declined' });
  await alert.waitFor();
  expect(await alert.innerText()).toMatch(/Nothing was charged, and your cart is open again/);
  expect(await page.locator('.step').evaluateAll((items) => items.map((item) => item.getAttribute('data-state')))).toEqual(['undone', 'undone', 'failed', 'pending', 'pending']);
  // The order summary still lists the item, and the cart page lets the shopper change it.
  await page.getByRole('region', { name: 'Cart contents' }).getByRole('link', { name: item.name }).waitFor();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Cart/ }).click();
  expect(await page.getByLabel(`Quantity of ${item.name}`).isEditable()).toBe(true);

  await waitForCheckoutsToEnd(customerId);
  const token = await admin();
  const charges = await api(gateway, 'GET', `/charges?customerId=${customerId}`, { token });
  expect(charges.body.items.filter((charge: { status: string }) => charge.status === 'succeeded')).toEqual([]);
  const cart = await api(gateway, 'GET', `/carts/${customerId}`, { token });
  expect(cart.body).toMatchObject({ status: 'open', itemCount: 1 });
  expect((await api(gateway, 'GET', `/stock/${item.sku}`)).body).toMatchObject({ onHand: 5, reserved: 0 });
});

it('a double-clicked Pay, and a submit again after the answer was lost, make one checkout, one order and one charge', async () => {
  const item = await product('WEBDOUBLE', 999, 50);
  const page = await newPage();
  const customerId = await logInInBrowser(page);
  await addToCartFromProductPage(page, item);
  await fillCheckout(page, '4242424242424242');

  // The first submit reaches the gateway and places the order, but its answer never arrives (the connection drops).
  const submits: string[] = [];
  await page.route('**/checkouts', async (route) => {
    submits.push(route.request().headers()['idempotency-key'] ?? '');
    if (submits.length === 1) {
      await route.fetch();
      await route.abort('connectionreset');
      return;
    }
    await route.continue();
  });
  await page.getByRole('button', { name: 'Pay $9.99' }).dblclick();
  await page.getByRole('alert').filter({ hasText: 'Submitting again is safe' }).waitFor();
  await page.getByRole('button', { name: 'Pay $9.99' }).click();
  await page.getByText('Thank you! Your order is placed and paid').waitFor();
  expect(submits).toHaveLength(2);
  expect(submits[1]).toBe(submits[0]);

  await waitForCheckoutsToEnd(customerId);
  const checkouts = [];
  for await (const workflow of temporal.client.workflow.list({ query: `${SEARCH_ATTRIBUTES.CustomerId.name} = '${customerId}'` })) checkouts.push(workflow.workflowId);
  expect(checkouts).toHaveLength(1);
  const token = await admin();
  const orders = await api(gateway, 'GET', `/orders?customerId=${customerId}`, { token });
  expect(orders.body.total).toBe(1);
  const charges = await api(gateway, 'GET', `/charges?customerId=${customerId}`, { token });
  expect(charges.body.items.filter((charge: { status: string }) => charge.status === 'succeeded')).toHaveLength(1);
  expect((await api(gateway, 'GET', `/stock/${item.sku}`)).body).toMatchObject({ onHand: 49 });
});

it('an item out of stock is said plainly, on a phone-sized screen, and the cart is unlocked', async () => {
  const item = await product('WEBSCARCE', 2500, 1);
  const page = await newPage({ width: 390, height: 844 });
  const customerId = await logInInBrowser(page);
  await addToCartFromProductPage(page, item);
  await page.goto('/cart');
  await page.getByLabel(`Quantity of ${item.name}`).fill('2');
  await page.getByLabel(`Quantity of ${item.name}`).press('Enter');
  await page.getByText('$50.00').first().waitFor();
  await fillCheckout(page, '4242 4242 4242 4242');
  // Nothing is wider than the phone's screen.
  expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
  await page.getByRole('button', { name: 'Pay $50.00' }).click();

  const alert = page.getByRole('alert').filter({ hasText: 'Sorry, we do not have enough stock' });
  await alert.waitFor();
  expect(await alert.innerText()).toMatch(/Nothing was charged, and your cart is open again: lower the quantity or remove the item/);

  // The cart is open again: the quantity can change, and at the cart service it is unlocked.
  await page.goto('/cart');
  await page.getByLabel(`Quantity of ${item.name}`).fill('1');
  await page.getByLabel(`Quantity of ${item.name}`).press('Enter');
  await page.getByRole('row', { name: /Total \(1 item\)/ }).getByText('$25.00').waitFor();
  await waitForCheckoutsToEnd(customerId);
  const cart = await api(gateway, 'GET', `/carts/${customerId}`, { token: await admin() });
  expect(cart.body).toMatchObject({ status: 'open', itemCount: 1 });
  expect((await api(gateway, 'GET', `/stock/${item.sku}`)).body).toMatchObject({ onHand: 1, reserved: 0 });
});
