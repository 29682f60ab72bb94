/**
 * What the gateway exposes: an allow-list of (method, path) per service. The
 * services' internal endpoints (reservations, charges, the checkout's cart
 * lock, the SMS log) are not routed: only other services reach them, on their
 * own ports. `public` routes need no token; every other one is refused at the
 * gateway without a valid one (the service checks it again, and decides roles).
 */
import type { ServiceName } from '../platform/services';

export type RateLimitName = 'login' | 'signup' | 'checkout';

export interface GatewayRoute {
  service: ServiceName;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** An express path, written as in the service's spec with `{name}` turned into `:name`. */
  path: string;
  public?: boolean;
  limit?: RateLimitName;
}

const route = (service: ServiceName, method: GatewayRoute['method'], path: string, extra: Partial<GatewayRoute> = {}): GatewayRoute => ({
  service,
  method,
  path,
  ...extra,
});

export const GATEWAY_ROUTES: GatewayRoute[] = [
  route('users', 'POST', '/users', { public: true, limit: 'signup' }),
  route('users', 'GET', '/users'),
  route('users', 'GET', '/users/:userId'),
  route('users', 'PATCH', '/users/:userId'),
  route('users', 'PUT', '/users/:userId/roles'),
  route('users', 'POST', '/sessions', { public: true, limit: 'login' }),
  route('users', 'POST', '/sessions/refresh', { public: true, limit: 'login' }),
  route('users', 'POST', '/sessions/logout', { public: true }),
  route('users', 'GET', '/.well-known/jwks.json', { public: true }),

  route('catalog', 'GET', '/products', { public: true }),
  route('catalog', 'GET', '/products/:sku', { public: true }),
  route('catalog', 'GET', '/categories', { public: true }),
  route('catalog', 'POST', '/products'),
  route('catalog', 'PATCH', '/products/:sku'),
  route('catalog', 'POST', '/products/:sku/deactivate'),
  route('catalog', 'POST', '/products/:sku/activate'),

  route('cart', 'GET', '/carts/:customerId'),
  route('cart', 'PUT', '/carts/:customerId/items/:sku'),
  route('cart', 'DELETE', '/carts/:customerId/items/:sku'),
  route('cart', 'DELETE', '/carts/:customerId/items'),

  route('orders', 'GET', '/orders'),
  route('orders', 'GET', '/orders/:orderId'),
  route('orders', 'POST', '/orders/:orderId/ship'),
  route('orders', 'POST', '/orders/:orderId/deliver'),
  route('orders', 'POST', '/orders/:orderId/cancel'),

  route('payments', 'POST', '/payment-methods'),
  route('payments', 'GET', '/payment-methods/:paymentMethodId'),
  route('payments', 'GET', '/charges'),
  route('payments', 'GET', '/charges/:chargeId'),
  route('payments', 'POST', '/refunds'),

  route('inventory', 'GET', '/stock', { public: true }),
  route('inventory', 'GET', '/stock/:sku', { public: true }),
  route('inventory', 'PUT', '/stock/:sku'),
  route('inventory', 'POST', '/stock/:sku/adjustments'),

  route('notifications', 'GET', '/notifications'),
  route('notifications', 'GET', '/notifications/:notificationId'),
  // Support's and admins' desk for messages that have not gone out (the service allows only those roles).
  route('notifications', 'GET', '/deliveries'),
  route('notifications', 'GET', '/deliveries/:deliveryId'),
  route('notifications', 'POST', '/deliveries/:deliveryId/redrive'),
];

/** `/users/:userId` → `/users/{userId}`, the spec's form. */
export function specPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}
