/**
 * Loads the demo data through the services' APIs, as an admin. Safe to run
 * again: accounts that exist are kept, and stock is only set for SKUs the
 * inventory does not know yet, so a restart keeps what was sold, and products
 * only when the catalog does not have them (an admin's edits stay).
 */
import { createCatalogClient } from '../services/catalog/client';
import { createInventoryClient } from '../services/inventory/client';
import { serviceUrl } from '../platform/services';
import { ensureAccount, logInAsAdmin } from './accounts';
import { DEMO_ACCOUNTS, DEMO_PRODUCTS } from './demo-data';

type Env = Record<string, string | undefined>;

export interface SeedReport {
  accounts: string[];
  products: string[];
  stocked: string[];
  kept: string[];
}

async function seedAccounts(adminToken: string, env: Env): Promise<string[]> {
  const created: string[] = [];
  const customer = await ensureAccount(DEMO_ACCOUNTS.customer, {}, env);
  if (customer.created) created.push(DEMO_ACCOUNTS.customer.email);
  const support = await ensureAccount(DEMO_ACCOUNTS.support, { roles: ['support'], adminToken }, env);
  if (support.created) created.push(DEMO_ACCOUNTS.support.email);
  return created;
}

async function seedCatalog(adminToken: string, env: Env): Promise<string[]> {
  const catalog = createCatalogClient(serviceUrl('catalog', env), { headers: { authorization: `Bearer ${adminToken}` } });
  const created: string[] = [];
  for (const product of DEMO_PRODUCTS) {
    const { response, error } = await catalog.POST('/products', {
      body: {
        sku: product.sku,
        name: product.name,
        description: product.description,
        category: product.category,
        price: { amount: product.price, currency: product.currency },
      },
    });
    if (response.status === 201) created.push(product.sku);
    else if (response.status !== 409) throw new Error(`catalog: POST /products ${product.sku} answered ${response.status}: ${JSON.stringify(error)}`);
  }
  return created;
}

async function seedStock(adminToken: string, env: Env): Promise<{ stocked: string[]; kept: string[] }> {
  const inventory = createInventoryClient(serviceUrl('inventory', env), { headers: { authorization: `Bearer ${adminToken}` } });
  const stocked: string[] = [];
  const kept: string[] = [];
  for (const product of DEMO_PRODUCTS) {
    const existing = await inventory.GET('/stock/{sku}', { params: { path: { sku: product.sku } } });
    if (existing.response.ok) {
      kept.push(product.sku);
      continue;
    }
    if (existing.response.status !== 404) throw new Error(`inventory: GET /stock/${product.sku} answered ${existing.response.status}`);
    const set = await inventory.PUT('/stock/{sku}', { params: { path: { sku: product.sku } }, body: { onHand: product.stock } });
    if (!set.response.ok) throw new Error(`inventory: PUT /stock/${product.sku} answered ${set.response.status}: ${JSON.stringify(set.error)}`);
    stocked.push(product.sku);
  }
  return { stocked, kept };
}

export async function seedDemoData(env: Env = process.env): Promise<SeedReport> {
  const admin = await logInAsAdmin(env);
  const accounts = await seedAccounts(admin.accessToken, env);
  const products = await seedCatalog(admin.accessToken, env);
  const { stocked, kept } = await seedStock(admin.accessToken, env);
  return { accounts, products, stocked, kept };
}

if (require.main === module) {
  seedDemoData().then(
    ({ accounts, products, stocked, kept }) => {
      console.log(
        `demo data: ${accounts.length ? `accounts ${accounts.join(', ')} created; ` : ''}` +
          `${products.length} products added to the catalog; ` +
          `${stocked.length} products stocked${kept.length ? `, ${kept.length} already there (kept as they are)` : ''}`,
      );
    },
    (error: unknown) => {
      console.error(`loading demo data failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
