/**
 * The chaos run's verdict on rows made to break each rule: a run can only
 * pass for the right reason if each rule fails when its rows are wrong.
 * (Rows shaped as readEvidence reads them; no database involved.)
 */
import { idempotencyKey } from '../../activities';
import { checkInvariants, type Evidence, type Outcome } from './invariants';
import { PRODUCTS, type CheckoutRecord } from './shoppers';

const PAID = 'c0000000-0000-8000-8000-000000000001';
const REFUSED = 'c0000000-0000-8000-8000-000000000002';
const ORDER = '0a000000-0000-4000-8000-000000000001';
const LINES = [{ sku: PRODUCTS.plenty.sku, name: 'Mug', quantity: 2, unitPrice: 1250 }];
const INITIAL = { [PRODUCTS.plenty.sku]: 100 };

function record(checkoutId: string, overrides: Partial<CheckoutRecord> = {}): CheckoutRecord {
  return {
    checkoutId,
    workflowId: `checkout-${checkoutId}`,
    idempotencyKey: `key-${checkoutId}`,
    shopper: 1,
    customerId: 'customer-1',
    hasPhone: true,
    scenario: 'paid',
    lines: [{ sku: PRODUCTS.plenty.sku, quantity: 2 }],
    submits: 1,
    cancelsSent: 0,
    told: [{ via: 'submit', httpStatus: 201, outcome: 'completed' }],
    started: true,
    ended: true,
    startedAt: 0,
    ...overrides,
  };
}

/** One completed checkout and one refused after its charge (refunded), as the databases should hold them. */
function world() {
  const checkouts = [
    record(PAID),
    record(REFUSED, { scenario: 'order-refused', orderCancelledInAdvance: true, hasPhone: false, told: [{ via: 'submit', httpStatus: 409, outcome: 'AlreadyCompensated' }] }),
  ];
  const outcomes = new Map<string, Outcome>([
    [PAID, { workflowStatus: 'COMPLETED', result: { checkoutId: PAID, status: 'completed', orderId: ORDER, chargeId: 'ch-1', total: { amount: 2500, currency: 'USD' } } }],
    [
      REFUSED,
      {
        workflowStatus: 'COMPLETED',
        result: { checkoutId: REFUSED, status: 'failed', total: { amount: 2500, currency: 'USD' }, failure: { type: 'AlreadyCompensated', message: 'order cancelled before it was created', step: 'creating_order' } },
      },
    ],
  ]);
  const snapshot = { currency: 'USD', total: 2500, lines: LINES };
  const evidence: Evidence = {
    orders: [
      { id: ORDER, checkout_id: PAID, status: 'paid', total: 2500, lines: LINES, charge_id: 'ch-1' },
    ],
    charges: [
      { id: 'ch-1', reference: PAID, amount: 2500, amount_refunded: 0, status: 'succeeded', provider_charge_id: 'py_1' },
      { id: 'ch-2', reference: REFUSED, amount: 2500, amount_refunded: 2500, status: 'refunded', provider_charge_id: 'py_2' },
    ],
    refunds: [{ id: 're-2', charge_id: 'ch-2', amount: 2500, provider_refund_id: 'pyr_2' }],
    pendingAttempts: [],
    paymentReferences: [
      { reference: PAID, status: 'charged', charge_id: 'ch-1' },
      { reference: REFUSED, status: 'charged', charge_id: 'ch-2' },
    ],
    providerCharges: [
      { id: 'py_1', amount: 2500, amount_refunded: 0, status: 'succeeded', reference: PAID, shop_charge_id: 'ch-1' },
      { id: 'py_2', amount: 2500, amount_refunded: 2500, status: 'succeeded', reference: REFUSED, shop_charge_id: 'ch-2' },
    ],
    providerRefunds: [{ id: 'pyr_2', charge_id: 'py_2', amount: 2500 }],
    stock: [{ sku: PRODUCTS.plenty.sku, on_hand: 98, reserved: 0 }],
    reservations: [
      { id: PAID, status: 'committed', lines: [{ sku: PRODUCTS.plenty.sku, quantity: 2 }] },
      { id: REFUSED, status: 'released', lines: [{ sku: PRODUCTS.plenty.sku, quantity: 2 }] },
    ],
    carts: [{ customer_id: 'customer-1', status: 'open', checkout_id: null }],
    cartCheckouts: [
      { checkout_id: PAID, status: 'completed', snapshot },
      { checkout_id: REFUSED, status: 'released', snapshot },
    ],
    notifications: [
      { id: 'n-1', event_id: idempotencyKey(PAID, 'notify:order_confirmed'), template: 'order_confirmed', phone: '+15550000001' },
      { id: 'n-2', event_id: idempotencyKey(REFUSED, 'notify:checkout_failed'), template: 'checkout_failed', phone: null },
    ],
    deliveries: [
      { notification_id: 'n-1', channel: 'email', status: 'sent', attempts: 1 },
      { notification_id: 'n-1', channel: 'sms', status: 'sent', attempts: 1 },
      { notification_id: 'n-2', channel: 'email', status: 'sent', attempts: 2 },
    ],
    mailbox: [{ message_id: '<n-1@shop.example>' }, { message_id: '<n-2@shop.example>' }],
    sms: [{ reference: 'n-1' }],
  };
  return { checkouts, outcomes, evidence };
}

function violationsOf(change: (state: ReturnType<typeof world>) => void): string[] {
  const state = world();
  change(state);
  return checkInvariants(state.evidence, state.checkouts, state.outcomes, INITIAL).violations.map((violation) => violation.invariant);
}

it('finds nothing wrong with a consistent world, and counts what it checked', () => {
  const { evidence, checkouts, outcomes } = world();
  const report = checkInvariants(evidence, checkouts, outcomes, INITIAL);
  expect(report.violations).toEqual([]);
  expect(report.checked).toMatchObject({ 'one-net-charge-per-completed-checkout': 1, 'no-net-money-for-failed-checkout': 1, 'stock-conserved': 1, 'one-message-per-event-and-channel': 2 });
});

it.each([
  ['a second order for a completed checkout', 'one-order-per-completed-checkout', (s: ReturnType<typeof world>) => s.evidence.orders.push({ ...s.evidence.orders[0]!, id: 'another' })],
  ['an order of its own for a failed checkout', 'no-order-for-failed-checkout', (s: ReturnType<typeof world>) => s.evidence.orders.push({ ...s.evidence.orders[0]!, id: 'own', checkout_id: REFUSED })],
  ['a second charge for a completed checkout', 'one-net-charge-per-completed-checkout', (s: ReturnType<typeof world>) => s.evidence.charges.push({ ...s.evidence.charges[0]!, id: 'ch-again' })],
  ['a refund that never happened', 'no-net-money-for-failed-checkout', (s: ReturnType<typeof world>) => (s.evidence.charges[1]!.amount_refunded = 0)],
  ['a provider charge payments does not know', 'one-provider-charge-per-payments-charge', (s: ReturnType<typeof world>) => s.evidence.providerCharges.push({ ...s.evidence.providerCharges[0]!, id: 'py_twice' })],
  ['a provider refund missing', 'one-provider-charge-per-payments-charge', (s: ReturnType<typeof world>) => s.evidence.providerRefunds.pop()],
  ['stock lost', 'stock-conserved', (s: ReturnType<typeof world>) => (s.evidence.stock[0]!.on_hand = 97)],
  ['stock left reserved', 'stock-conserved', (s: ReturnType<typeof world>) => (s.evidence.stock[0]!.reserved = 2)],
  ['a reservation left active', 'no-reservation-held', (s: ReturnType<typeof world>) => (s.evidence.reservations[1]!.status = 'active')],
  ['a cart left locked', 'no-cart-locked', (s: ReturnType<typeof world>) => s.evidence.carts.push({ customer_id: 'customer-2', status: 'checking_out', checkout_id: REFUSED })],
  ['an e-mail sent twice', 'one-message-per-event-and-channel', (s: ReturnType<typeof world>) => s.evidence.mailbox.push({ message_id: '<n-1@shop.example>' })],
  ['an SMS never sent', 'one-message-per-event-and-channel', (s: ReturnType<typeof world>) => s.evidence.sms.pop()],
  ['no confirmation for a completed checkout', 'customer-told-once', (s: ReturnType<typeof world>) => s.evidence.notifications.shift()],
  ['a charge left pending', 'no-payment-left-pending', (s: ReturnType<typeof world>) => s.evidence.pendingAttempts.push({ kind: 'charge', id: 'att-1', subject: PAID })],
  ['a shopper told "paid" for a failed checkout', 'shopper-told-the-truth', (s: ReturnType<typeof world>) => s.checkouts[1]!.told.push({ via: 'submit', httpStatus: 201, outcome: 'completed' })],
  ['a declined card that completed', 'outcome-as-expected', (s: ReturnType<typeof world>) => (s.checkouts[0]!.scenario = 'declined')],
  ['a checkout still running', 'checkout-ended', (s: ReturnType<typeof world>) => s.outcomes.set(PAID, { workflowStatus: 'RUNNING' })],
])('finds %s', (_what, invariant, change) => {
  expect(violationsOf(change)).toContain(invariant);
});
