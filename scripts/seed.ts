/**
 * Loads the demo data through the services' APIs. Safe to run again: stock is
 * only set for SKUs the inventory does not know yet, so a restart keeps sales.
 */
import { createInventoryClient } from '../services/inventory/client';
import { serviceUrl } from '../platform/services';
import { DEMO_PRODUCTS } from './demo-data';

export async function seedDemoData(env: Record<string, string | undefined> = process.env): Promise<{ created: string[]; kept: string[] }> {
  const inventory = createInventoryClient(serviceUrl('inventory', env));
  const created: string[] = [];
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
    created.push(product.sku);
  }
  return { created, kept };
}

if (require.main === module) {
  seedDemoData().then(
    ({ created, kept }) => {
      console.log(`demo data: ${created.length} products stocked${kept.length ? `, ${kept.length} already there (kept as they are)` : ''}`);
    },
    (error: unknown) => {
      console.error(`loading demo data failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
