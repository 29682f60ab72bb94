import { createCartClient } from '../services/cart/client';
import { createInventoryClient } from '../services/inventory/client';
import { createNotificationsClient } from '../services/notifications/client';
import { createOrdersClient } from '../services/orders/client';
import { createPaymentsClient } from '../services/payments/client';
import { serviceUrl } from '../platform/services';
import { clientCredentialsTokenSource, serviceClientSecret } from '../platform/service-token';
import { SERVICE_HTTP_TIMEOUT_MS } from '../temporal.config';
import type { ServiceClients } from './index';

/**
 * Clients for the services the checkout calls, at `<NAME>_URL` or their default
 * local ports. The worker calls as the `worker` service client, with a token from users.
 */
export function serviceClientsFromEnv(env: Record<string, string | undefined> = process.env): ServiceClients {
  const accessToken = clientCredentialsTokenSource({ usersUrl: serviceUrl('users', env), clientId: 'worker', clientSecret: serviceClientSecret(env) });
  const options = { timeoutMs: SERVICE_HTTP_TIMEOUT_MS, accessToken };
  return {
    cart: createCartClient(serviceUrl('cart', env), options),
    inventory: createInventoryClient(serviceUrl('inventory', env), options),
    payments: createPaymentsClient(serviceUrl('payments', env), options),
    orders: createOrdersClient(serviceUrl('orders', env), options),
    notifications: createNotificationsClient(serviceUrl('notifications', env), options),
  };
}
