/**
 * One typed client for everything the storefront calls through the gateway.
 * The types come from the specs the gateway serves (npm run gen:web), so a
 * call to an endpoint the gateway does not route does not compile.
 *
 * The access token lives in this module's memory only (see session.tsx);
 * every request carries it, and a 401 on a request that carried one gets one
 * refresh and one retry.
 */
import createClient from 'openapi-fetch';
import type { paths as CartPaths } from './cart.gen';
import type { paths as CatalogPaths, components as CatalogComponents } from './catalog.gen';
import type { paths as GatewayPaths, components as GatewayComponents } from './gateway.gen';
import type { paths as InventoryPaths } from './inventory.gen';
import type { paths as OrdersPaths, components as OrdersComponents } from './orders.gen';
import type { paths as PaymentsPaths } from './payments.gen';
import type { paths as UsersPaths, components as UsersComponents } from './users.gen';
import type { components as CartComponents } from './cart.gen';

export type Paths = GatewayPaths & UsersPaths & CatalogPaths & CartPaths & OrdersPaths & PaymentsPaths & InventoryPaths;

export type Checkout = GatewayComponents['schemas']['Checkout'];
export type WebSession = GatewayComponents['schemas']['WebSession'];
export type ShippingAddress = GatewayComponents['schemas']['ShippingAddress'];
export type Problem = GatewayComponents['schemas']['Problem'];
export type Product = CatalogComponents['schemas']['Product'];
export type Cart = CartComponents['schemas']['Cart'];
export type Order = OrdersComponents['schemas']['Order'];
export type User = UsersComponents['schemas']['User'];
export type Address = UsersComponents['schemas']['Address'];

interface TokenKeeper {
  current(): string | undefined;
  /** A fresh access token, or undefined when the session has ended. */
  refresh(): Promise<string | undefined>;
}

let tokens: TokenKeeper = { current: () => undefined, refresh: async () => undefined };

export function setTokenKeeper(keeper: TokenKeeper): void {
  tokens = keeper;
}

function withToken(request: Request, token: string | undefined): Request {
  const headers = new Headers(request.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  return new Request(request, { headers });
}

async function authorisedFetch(request: Request): Promise<Response> {
  const token = tokens.current();
  // Kept unread, so the body can be sent again on the retry.
  const spare = request.clone();
  const response = await fetch(withToken(request, token));
  if (response.status !== 401 || !token) return response;
  const fresh = await tokens.refresh();
  return fresh ? fetch(withToken(spare, fresh)) : response;
}

const baseUrl = typeof window === 'undefined' ? 'http://localhost' : window.location.origin;

/** Calls with the signed-in shopper's token. */
export const api = createClient<Paths>({ baseUrl, fetch: authorisedFetch });

/** The session endpoints themselves: the cookie is their credential, never the access token. */
export const sessionApi = createClient<GatewayPaths>({ baseUrl, credentials: 'same-origin' });
