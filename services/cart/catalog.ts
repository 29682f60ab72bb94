/**
 * What the cart needs from the catalog, and its implementation over the
 * catalog's typed HTTP client. The cart's rules depend on the interface only.
 *
 * Every way the catalog can fail us (refused connection, timeout, 5xx, our
 * own token refused) is one `CatalogUnavailable`: a 503 for the caller to
 * retry, which reads of the cart catch to fall back on stored prices.
 */
import type { Logger } from '../../platform/logger';
import { HttpProblem } from '../../platform/http/problem';
import type { components } from '../catalog/api.gen';
import type { CatalogClient } from '../catalog/client';

export type CatalogProduct = components['schemas']['Product'];

export interface ProductCatalog {
  /** The products the catalog knows among `skus`, inactive ones included, by SKU. */
  products(skus: string[]): Promise<Map<string, CatalogProduct>>;
}

export class CatalogUnavailable extends HttpProblem {
  constructor(reason: string) {
    super(503, 'catalog-unavailable', 'The catalog cannot be reached', `Prices and products cannot be checked right now (${reason}); try again shortly`);
  }
}

/** The catalog's batch lookup takes this many SKUs; a cart holds fewer (MAX_CART_ITEMS). */
const CATALOG_BATCH = 100;

export function catalogOverHttp(client: CatalogClient, logger: Logger): ProductCatalog {
  async function call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (error instanceof CatalogUnavailable) throw error;
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      logger.warn({ err: error }, `catalog ${what} failed`);
      throw new CatalogUnavailable(reason);
    }
  }
  const unexpected = (what: string, status: number) => {
    logger.warn({ status }, `catalog ${what} answered ${status}`);
    return new CatalogUnavailable(`it answered ${status}`);
  };

  /** One product, inactive or not; undefined when the catalog has no such SKU. */
  async function product(sku: string): Promise<CatalogProduct | undefined> {
    const { data, response } = await call('product', () => client.GET('/products/{sku}', { params: { path: { sku } } }));
    if (response.status === 404) return undefined;
    if (!data) throw unexpected('product', response.status);
    return data;
  }

  return {
    async products(skus) {
      const found = new Map<string, CatalogProduct>();
      // One SKU (a cart of one product, the usual checkout): the catalog's single lookup is one statement, its list two.
      if (skus.length === 1) {
        const only = await product(skus[0]!);
        if (only) found.set(only.sku, only);
        return found;
      }
      for (let start = 0; start < skus.length; start += CATALOG_BATCH) {
        const batch = skus.slice(start, start + CATALOG_BATCH);
        const { data, response } = await call('lookup', () =>
          client.GET('/products', {
            params: { query: { skus: batch, includeInactive: 'true', limit: CATALOG_BATCH } },
            // As the spec says: one parameter, the SKUs joined by commas.
            querySerializer: { array: { style: 'form', explode: false } },
          }),
        );
        if (!data) throw unexpected('lookup', response.status);
        for (const product of data.items) found.set(product.sku, product);
      }
      return found;
    },
  };
}
