/**
 * Takes the README's storefront screenshots (docs/storefront/*.png) from a
 * running `npm start`, in headless Chromium: a new shopper browses, searches,
 * fills the cart, pays with a good card and follows the order; then tries a
 * declined card; and the same shop on a phone-sized screen.
 *   npm run screenshots:web
 * GATEWAY_URL (default http://127.0.0.1:8080); Chromium: CHROMIUM_PATH, else /usr/bin/chromium.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { TEST_CARDS } from './demo-data';

const OUT = path.resolve(__dirname, '../docs/storefront');
const gatewayUrl = process.env.GATEWAY_URL || 'http://127.0.0.1:8080';
const SKU = 'MUG-TEMPORAL';
const MUG = 'Temporal mug';

async function shot(page: Page, name: string, shown: Locator, fullPage = false): Promise<void> {
  await shown.waitFor({ timeout: 60_000 });
  // Let fonts and layout settle after the element appears, so the picture is what a person sees.
  await page.evaluate('document.fonts.ready');
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage });
  console.log(`docs/storefront/${name}.png`);
}

async function newShopper(browser: Browser, viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ viewport, baseURL: gatewayUrl, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  const email = `grace-${randomUUID().slice(0, 8)}@shop.example`;
  const password = 'grace-password-change-me';
  await page.goto('/signup');
  await page.getByLabel('Name').fill('Grace Hopper');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
  return page;
}

async function fillCheckout(page: Page, card: string): Promise<void> {
  await page.goto('/checkout');
  await page.getByLabel('Address line 1').fill('12 Analytical Way');
  await page.getByLabel('City').fill('London');
  await page.getByLabel('Postal code').fill('N1 9GU');
  await page.getByLabel('Country').selectOption('GB');
  await page.getByLabel('Card number').fill(card.replace(/(\d{4})(?=\d)/g, '$1 '));
  await page.getByLabel('Expiry (MM/YY)').fill(`12/${(new Date().getUTCFullYear() + 2) % 100}`);
  await page.getByLabel('CVC').fill('123');
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const browser = await launchChromium();
  try {
    const page = await newShopper(browser, { width: 1280, height: 860 });
    await page.goto('/');
    await shot(page, '1-catalog', page.getByRole('heading', { level: 2, name: MUG }));

    await page.getByRole('searchbox', { name: 'Search products' }).fill('mug');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: MUG }).click();
    await page.getByRole('heading', { level: 1, name: MUG }).waitFor();
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await shot(page, '2-product', page.getByText(`Added 1 × ${MUG} to your cart.`));

    await page.goto(`/product/STICKER-PACK`);
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByText('Added 1 × Sticker pack to your cart.').waitFor();
    await page.goto('/cart');
    await page.getByLabel(`Quantity of ${MUG}`).fill('2');
    await page.getByLabel(`Quantity of ${MUG}`).press('Enter');
    await shot(page, '3-cart', page.getByRole('row', { name: /Total \(3 items\)/ }));

    await fillCheckout(page, TEST_CARDS.success);
    await shot(page, '4-checkout', page.getByRole('heading', { name: 'Test cards' }), true);
    await page.getByRole('button', { name: /^Pay / }).click();
    await shot(page, '5-progress-paid', page.getByText('Thank you! Your order is placed and paid'));

    await page.getByRole('link', { name: 'View your order' }).click();
    await shot(page, '6-order', page.getByRole('heading', { name: 'Status history' }));

    // A declined card: the reason, nothing charged, the cart open again.
    await page.goto(`/product/${SKU}`);
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByText(`Added 1 × ${MUG} to your cart.`).waitFor();
    await fillCheckout(page, TEST_CARDS.declined);
    await page.getByRole('button', { name: /^Pay / }).click();
    await page.getByRole('alert').filter({ hasText: 'Your card was declined' }).waitFor();
    await shot(page, '7-declined', page.locator('.step-undone').first());

    const phone = await newShopper(browser, { width: 390, height: 844 });
    await phone.goto('/');
    await shot(phone, '8-phone-catalog', phone.getByRole('heading', { level: 2, name: MUG }));
    await phone.goto(`/product/${SKU}`);
    await phone.getByRole('button', { name: 'Add to cart' }).click();
    await phone.getByText(`Added 1 × ${MUG} to your cart.`).waitFor();
    await phone.goto('/cart');
    await shot(phone, '9-phone-cart', phone.getByRole('link', { name: 'Check out' }));
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
