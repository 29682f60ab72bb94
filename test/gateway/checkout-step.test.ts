/**
 * The gateway reads where a running checkout is from its history (it never queries the
 * workflow): an activity scheduled, or, for emptying the cart and notifying, a local activity's marker.
 * Read over recorded histories of both kinds (test/workflows/histories).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { activityTypeOf } from '../../gateway/checkout-view';
import { HISTORIES_DIR, historyFromText } from '../workflows/support';

function activitiesIn(file: string): string[] {
  const history = historyFromText(readFileSync(path.join(HISTORIES_DIR, file), 'utf8'));
  return (history.events ?? []).map(activityTypeOf).filter((type): type is string => type !== undefined);
}

const CART_CHECKOUT = ['lockCart', 'reserveInventory', 'chargePayment', 'createOrder', 'commitInventory', 'completeCart', 'notifyCustomer'];

it('finds every step of a checkout whose steps after the order are activities', () => {
  expect(activitiesIn('cart-update-with-start.json')).toEqual(CART_CHECKOUT);
});

it('finds the local steps after the order (emptying the cart, notifying) in their markers, a retried one at its backoff too', () => {
  expect(activitiesIn('local-steps-cart-update-with-start.json')).toEqual(CART_CHECKOUT);
  // completeCart failed three times: a marker for the backoff (a timer follows), then one for the result.
  expect(activitiesIn('local-steps-cart-completion-retried.json')).toEqual([...CART_CHECKOUT.slice(0, 6), ...CART_CHECKOUT.slice(5)]);
});
