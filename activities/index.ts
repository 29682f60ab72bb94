/**
 * The checkout's activities: thin adapters over the services' typed HTTP
 * clients. They never touch a database. Every call carries an idempotency key
 * or a natural id derived from the checkout, so Temporal's retries are safe.
 */
import type { CartClient } from '../services/cart/client';
import type { InventoryClient } from '../services/inventory/client';
import type { PaymentsClient } from '../services/payments/client';
import type { OrdersClient } from '../services/orders/client';
import type { NotificationsClient } from '../services/notifications/client';
import { BUSINESS_FAILURES } from '../workflows/failures';
import { ServiceUnavailableError, unwrap, type ProblemLike } from './service-failures';
import type { CheckoutActivities, NotifyCustomerInput } from './types';

export interface ServiceClients {
  cart: CartClient;
  inventory: InventoryClient;
  payments: PaymentsClient;
  orders: OrdersClient;
  notifications: NotificationsClient;
}

/** Idempotency keys: the checkout plus the step, so each step's side effect happens once. */
export function idempotencyKey(checkoutId: string, step: string): string {
  return `checkout-${checkoutId}:${step}`;
}

const MAX_TEMPLATE_VALUE_LENGTH = 500;
/** The orders service's bound on a recorded failure message. */
const MAX_RECORDED_FAILURE_LENGTH = 2000;

const declineType = (problem: ProblemLike) =>
  problem.declineCode === 'insufficient_funds' ? BUSINESS_FAILURES.InsufficientFunds : BUSINESS_FAILURES.PaymentDeclined;

export function createActivities(clients: ServiceClients): CheckoutActivities {
  return {
    async lockCart({ checkoutId, customerId }) {
      const result = await clients.cart.POST('/carts/{customerId}/checkout', {
        params: { path: { customerId } },
        body: { checkoutId },
      });
      const snapshot = unwrap('lock the cart', result, {
        'cart-empty': BUSINESS_FAILURES.CartEmpty,
        'product-unavailable': BUSINESS_FAILURES.ProductUnavailable,
        'cart-locked': BUSINESS_FAILURES.CartLocked,
        'cart-total-too-large': BUSINESS_FAILURES.CartTooLarge,
        'checkout-released': BUSINESS_FAILURES.AlreadyCompensated,
      });
      return { currency: snapshot.currency, lines: snapshot.lines };
    },

    async extendReservation({ checkoutId, ttlSeconds }) {
      const result = await clients.inventory.POST('/reservations/{reservationId}/extend', {
        params: { path: { reservationId: checkoutId } },
        body: { ttlSeconds },
      });
      unwrap('extend the reservation', result, { 'reservation-not-active': BUSINESS_FAILURES.AlreadyCompensated });
    },

    async releaseCart({ checkoutId, customerId }) {
      const result = await clients.cart.POST('/carts/{customerId}/checkout/{checkoutId}/release', { params: { path: { customerId, checkoutId } } });
      unwrap('unlock the cart', result);
    },

    async completeCart({ checkoutId, customerId }) {
      const result = await clients.cart.POST('/carts/{customerId}/checkout/{checkoutId}/complete', { params: { path: { customerId, checkoutId } } });
      unwrap('empty the bought cart', result);
    },

    async reserveInventory({ checkoutId, lines }) {
      const result = await clients.inventory.PUT('/reservations/{reservationId}', {
        params: { path: { reservationId: checkoutId } },
        body: { lines },
      });
      const reservation = unwrap('reserve inventory', result, {
        'out-of-stock': BUSINESS_FAILURES.OutOfStock,
        'unknown-sku': BUSINESS_FAILURES.OutOfStock,
        'reservation-released': BUSINESS_FAILURES.AlreadyCompensated,
      });
      return { reservationId: reservation.id };
    },

    async releaseInventory({ checkoutId }) {
      const result = await clients.inventory.POST('/reservations/{reservationId}/release', {
        params: { path: { reservationId: checkoutId } },
      });
      unwrap('release inventory', result);
    },

    async commitInventory({ checkoutId }) {
      const result = await clients.inventory.POST('/reservations/{reservationId}/commit', {
        params: { path: { reservationId: checkoutId } },
      });
      unwrap('commit inventory', result);
    },

    async chargePayment({ checkoutId, customerId, amount, paymentMethodId }) {
      const result = await clients.payments.POST('/charges', {
        params: { header: { 'Idempotency-Key': idempotencyKey(checkoutId, 'charge') } },
        body: { reference: checkoutId, customerId, amount, paymentMethodId, description: `Checkout ${checkoutId}` },
      });
      const charge = unwrap('charge payment', result, {
        'card-declined': declineType,
        'unknown-payment-method': BUSINESS_FAILURES.PaymentDeclined,
        'reference-voided': BUSINESS_FAILURES.AlreadyCompensated,
      });
      return { chargeId: charge.id };
    },

    async refundPayment({ checkoutId }) {
      const result = await clients.payments.POST('/references/{reference}/refund', {
        params: { path: { reference: checkoutId } },
      });
      unwrap('refund payment', result);
    },

    async createOrder(input) {
      const result = await clients.orders.PUT('/orders/{orderId}', {
        params: { path: { orderId: input.orderId } },
        body: {
          checkoutId: input.checkoutId,
          customerId: input.customerId,
          customerEmail: input.customerEmail,
          ...(input.customerPhone ? { customerPhone: input.customerPhone } : {}),
          currency: input.currency,
          lines: input.lines,
          total: input.total,
          shippingAddress: input.shippingAddress,
          chargeId: input.chargeId,
        },
      });
      if (result.response.status === 409 && result.error?.type === 'checkout-already-ordered') {
        // This checkout's order exists under another id (a checkout started before order ids were
        // derived from the checkout, and reset since): it is the purchase, so it is adopted, never refunded.
        const existing = (result.error as { orderId?: unknown }).orderId;
        if (typeof existing === 'string') return { orderId: existing };
        // Lost a race with the other id's insert: the next attempt reads which order won.
        throw new ServiceUnavailableError(`create order: checkout ${input.checkoutId} was ordered concurrently under another id`);
      }
      const order = unwrap('create order', result, {
        'order-cancelled': BUSINESS_FAILURES.AlreadyCompensated,
        'total-mismatch': BUSINESS_FAILURES.OrderRejected,
        'order-mismatch': BUSINESS_FAILURES.OrderRejected,
      });
      return { orderId: order.id };
    },

    async recordCheckoutFailure({ checkoutId, customerId, failure }) {
      const result = await clients.orders.POST('/checkouts/{checkoutId}/failure', {
        params: { path: { checkoutId } },
        body: { customerId, failure: { ...failure, message: failure.message.slice(0, MAX_RECORDED_FAILURE_LENGTH) } },
      });
      // Only a checkout that failed before its order existed gets here; an order found now keeps the purchase standing.
      unwrap('record the checkout failure', result, { 'checkout-ordered': BUSINESS_FAILURES.OrderRejected });
    },

    async cancelOrder({ orderId, reason }) {
      const result = await clients.orders.POST('/orders/{orderId}/cancel', {
        params: { path: { orderId } },
        body: { reason },
      });
      unwrap('cancel order', result);
    },

    async notifyCustomer({ checkoutId, customerId, email, phone, template, data }: NotifyCustomerInput) {
      const key = idempotencyKey(checkoutId, `notify:${template}`);
      // Template values are bounded by the notifications API; an overlong error text must not cost the customer the e-mail.
      const boundedData = Object.fromEntries(
        Object.entries(data).map(([name, value]) => [name, typeof value === 'string' ? value.slice(0, MAX_TEMPLATE_VALUE_LENGTH) : value]),
      );
      const result = await clients.notifications.POST('/notifications', {
        params: { header: { 'Idempotency-Key': key } },
        body: { eventId: key, customerId, template, data: boundedData, email, ...(phone ? { phone } : {}) },
      });
      const notification = unwrap('notify customer', result);
      return { notificationId: notification.id };
    },
  };
}
