import { z } from 'zod';
import { createServiceApp } from '../../platform/http/app';
import type { ServiceContext } from '../../platform/service-main';
import { serviceUrl } from '../../platform/services';
import { createCatalogClient } from '../catalog/client';
import { catalogOverHttp } from './catalog';
import { cartRoutes } from './routes';
import { loadSpec } from '../../platform/openapi';

export const cartSpec: unknown = loadSpec('cart.yaml');

/**
 * How long the cart waits for the catalog. Short: a cart view falls back to
 * stored prices rather than keep the shopper waiting on a slow catalog.
 */
export const DEFAULT_CATALOG_TIMEOUT_MS = 2_000;

const CartConfig = z.object({
  CATALOG_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(DEFAULT_CATALOG_TIMEOUT_MS),
});

export function createCartApp({ orm, logger, auth, env, serviceToken }: ServiceContext) {
  const config = CartConfig.safeParse({ CATALOG_TIMEOUT_MS: env.CATALOG_TIMEOUT_MS || undefined });
  if (!config.success) throw new Error(`cart: invalid configuration: CATALOG_TIMEOUT_MS ${config.error.issues[0]?.message ?? ''}`);
  const catalogClient = createCatalogClient(serviceUrl('catalog', env), { timeoutMs: config.data.CATALOG_TIMEOUT_MS, accessToken: serviceToken });
  const catalog = catalogOverHttp(catalogClient, logger);
  return createServiceApp({ name: 'cart', orm, logger, auth, spec: cartSpec, routes: cartRoutes(orm, catalog) });
}
