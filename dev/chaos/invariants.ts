/**
 * What must hold after the run, read from each service's own database with
 * read-only SQL (not through the APIs, which could hide a wrong row), and held
 * against how each checkout ended in Temporal.
 *
 * readEvidence() reads the rows; checkInvariants() is a pure function of the
 * rows, the checkouts and their outcomes, so that it can be tested on rows
 * that break each rule (dev/chaos/invariants.test.ts).
 */
import { Client as PgClient } from 'pg';
import { idempotencyKey } from '../../activities';
import { databaseName, SIMULATORS } from '../../platform/services';
import type { CheckoutResult } from '../../workflows/messages';
import { PRODUCTS, SCENARIOS, type CheckoutRecord } from './shoppers';

export interface Evidence {
  orders: { id: string; checkout_id: string; status: string; total: number; lines: { sku: string; quantity: number; unitPrice: number }[]; charge_id: string }[];
  charges: { id: string; reference: string; amount: number; amount_refunded: number; status: string; provider_charge_id: string | null }[];
  refunds: { id: string; charge_id: string; amount: number; provider_refund_id: string }[];
  pendingAttempts: { kind: 'charge' | 'refund'; id: string; subject: string }[];
  paymentReferences: { reference: string; status: string; charge_id: string | null }[];
  providerCharges: { id: string; amount: number; amount_refunded: number; status: string; reference: string | null; shop_charge_id: string | null }[];
  providerRefunds: { id: string; charge_id: string; amount: number }[];
  stock: { sku: string; on_hand: number; reserved: number }[];
  reservations: { id: string; status: string; lines: { sku: string; quantity: number }[] }[];
  carts: { customer_id: string; status: string; checkout_id: string | null }[];
  cartCheckouts: { checkout_id: string; status: string; snapshot: { currency: string; total: number; lines: { sku: string; quantity: number; unitPrice: number }[] } | null }[];
  notifications: { id: string; event_id: string; template: string; phone: string | null }[];
  deliveries: { notification_id: string; channel: string; status: string; attempts: number }[];
  mailbox: { message_id: string | null }[];
  sms: { reference: string }[];
}

/** How a checkout ended, from Temporal. */
export interface Outcome {
  /** The workflow's status name (COMPLETED, RUNNING, ...), or NOT_FOUND when no workflow was started. */
  workflowStatus: string;
  result?: CheckoutResult;
}

export interface Violation {
  invariant: string;
  checkoutId?: string;
  detail: string;
  /** The rows that show it. */
  rows?: unknown;
}

export interface InvariantReport {
  /** How many times each invariant was checked (per checkout, per SKU, per notification...). */
  checked: Record<string, number>;
  violations: Violation[];
}

/** `completed`, the failure type, or why there is none. */
export function outcomeOf(outcome: Outcome | undefined): string {
  if (!outcome) return 'unknown';
  if (outcome.workflowStatus === 'NOT_FOUND') return 'not-started';
  if (outcome.workflowStatus !== 'COMPLETED') return outcome.workflowStatus.toLowerCase();
  if (outcome.result?.status === 'completed') return 'completed';
  return outcome.result?.failure?.type ?? 'failed';
}

/** The outcomes a checkout's scenario allows; the scarce product may always sell out first. */
export function allowedOutcomes(record: Pick<CheckoutRecord, 'scenario' | 'lines'>): string[] {
  const allowed: string[] = [...SCENARIOS[record.scenario].ends];
  if (record.lines.some((line) => line.sku === PRODUCTS.scarce.sku)) allowed.push('OutOfStock');
  return allowed;
}

/** Checkouts that end failed without telling the customer: they know already (they cancelled), or nobody asked the checkout. */
const SILENT_FAILURES = new Set(['CancelledByCustomer', 'Cancelled']);

const MESSAGE_ID = /^<([^@>]+)@/;

function groupBy<T>(rows: T[], key: (row: T) => string | null | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const value = key(row);
    if (value == null) continue;
    const group = groups.get(value);
    if (group) group.push(row);
    else groups.set(value, [row]);
  }
  return groups;
}

function sameLines(a: { sku: string; quantity: number }[], b: { sku: string; quantity: number }[]): boolean {
  const text = (lines: { sku: string; quantity: number }[]) =>
    lines
      .map((line) => `${line.sku}x${line.quantity}`)
      .sort()
      .join(',');
  return text(a) === text(b);
}

export function checkInvariants(
  evidence: Evidence,
  checkouts: CheckoutRecord[],
  outcomes: Map<string, Outcome>,
  initialStock: Record<string, number>,
): InvariantReport {
  const checked: Record<string, number> = {};
  const violations: Violation[] = [];
  const check = (invariant: string, holds: boolean, violation: () => Omit<Violation, 'invariant'>) => {
    checked[invariant] = (checked[invariant] ?? 0) + 1;
    if (!holds) violations.push({ invariant, ...violation() });
  };

  const ordersByCheckout = groupBy(evidence.orders, (row) => row.checkout_id);
  const chargesByReference = groupBy(evidence.charges, (row) => row.reference);
  const refundsByCharge = groupBy(evidence.refunds, (row) => row.charge_id);
  const providerByReference = groupBy(evidence.providerCharges, (row) => row.reference);
  const providerRefundsByCharge = groupBy(evidence.providerRefunds, (row) => row.charge_id);
  const reservations = new Map(evidence.reservations.map((row) => [row.id, row]));
  const cartCheckouts = new Map(evidence.cartCheckouts.map((row) => [row.checkout_id, row]));
  const references = new Map(evidence.paymentReferences.map((row) => [row.reference, row]));
  const notificationsByEvent = new Map(evidence.notifications.map((row) => [row.event_id, row]));

  for (const record of checkouts) {
    const id = record.checkoutId;
    const outcome = outcomes.get(id);
    const ended = outcomeOf(outcome);
    if (!record.started && ended === 'not-started') continue;
    const result = outcome?.result;
    check('checkout-ended', outcome?.workflowStatus === 'COMPLETED', () => ({ checkoutId: id, detail: `the workflow is ${ended} (scenario ${record.scenario})` }));
    if (outcome?.workflowStatus !== 'COMPLETED' || !result) continue;
    const completed = result.status === 'completed';

    check('outcome-as-expected', allowedOutcomes(record).includes(ended), () => ({
      checkoutId: id,
      detail: `scenario ${record.scenario} ended ${ended}; expected ${allowedOutcomes(record).join(' or ')}`,
      rows: result,
    }));
    for (const told of record.told) {
      if (told.outcome === undefined) continue;
      check('shopper-told-the-truth', told.outcome === ended, () => ({
        checkoutId: id,
        detail: `the shopper was told ${told.outcome} (${told.via}, HTTP ${told.httpStatus}) but the checkout ended ${ended}`,
      }));
    }

    const snapshot = cartCheckouts.get(id)?.snapshot ?? undefined;
    const orders = ordersByCheckout.get(id) ?? [];
    const charges = (chargesByReference.get(id) ?? []).filter((charge) => charge.status !== 'failed');
    const net = charges.reduce((sum, charge) => sum + charge.amount - charge.amount_refunded, 0);
    if (completed) {
      const [order] = orders;
      check('one-order-per-completed-checkout', orders.length === 1 && order!.id === result.orderId && order!.status === 'paid', () => ({
        checkoutId: id,
        detail: `${orders.length} orders (the workflow says ${result.orderId})`,
        rows: orders,
      }));
      check('order-matches-cart', !!order && !!snapshot && sameLines(order.lines, snapshot.lines) && order.total === snapshot.total, () => ({
        checkoutId: id,
        detail: 'the order does not hold what the locked cart held',
        rows: { order, snapshot },
      }));
      const [charge] = charges;
      check(
        'one-net-charge-per-completed-checkout',
        charges.length === 1 && charge!.amount_refunded === 0 && charge!.id === result.chargeId && charge!.id === order?.charge_id && net === order?.total,
        () => ({ checkoutId: id, detail: `${charges.length} charges, net ${net}, order total ${order?.total}, order's charge ${order?.charge_id}`, rows: { charges, order } }),
      );
      const reference = references.get(id);
      check('payment-reference-charged', reference?.status === 'charged' && reference.charge_id === charge?.id, () => ({ checkoutId: id, detail: 'the payment reference does not name the charge', rows: reference }));
    } else {
      check('no-order-for-failed-checkout', orders.every((order) => order.status === 'cancelled'), () => ({
        checkoutId: id,
        detail: `the checkout failed (${ended}) but has ${orders.filter((order) => order.status !== 'cancelled').length} orders standing`,
        rows: orders,
      }));
      check('no-net-money-for-failed-checkout', net === 0, () => ({ checkoutId: id, detail: `the checkout failed (${ended}) but ${net} is still charged`, rows: { charges, refunds: charges.flatMap((charge) => refundsByCharge.get(charge.id) ?? []) } }));
    }

    // The provider's books agree with payments': one provider charge per payments charge, refunded alike.
    const providerCharges = (providerByReference.get(id) ?? []).filter((charge) => charge.status === 'succeeded');
    check(
      'one-provider-charge-per-payments-charge',
      providerCharges.length === charges.length &&
        charges.every((charge) => {
          const theirs = providerCharges.filter((candidate) => candidate.id === charge.provider_charge_id);
          const refunded = (providerRefundsByCharge.get(charge.provider_charge_id ?? '') ?? []).reduce((sum, refund) => sum + refund.amount, 0);
          return theirs.length === 1 && theirs[0]!.amount === charge.amount && theirs[0]!.amount_refunded === charge.amount_refunded && refunded === charge.amount_refunded;
        }),
      () => ({ checkoutId: id, detail: `${providerCharges.length} provider charges for ${charges.length} payments charges`, rows: { charges, providerCharges } }),
    );

    const reservation = reservations.get(id);
    check(
      'reservation-settled',
      completed ? reservation?.status === 'committed' && !!snapshot && sameLines(reservation.lines, snapshot.lines) : reservation === undefined || reservation.status === 'released',
      () => ({ checkoutId: id, detail: `the checkout ${completed ? 'completed' : 'failed'}; its reservation is ${reservation?.status ?? 'missing'}`, rows: { reservation, snapshot } }),
    );
    const cartCheckout = cartCheckouts.get(id);
    check(
      'cart-settled',
      completed ? cartCheckout?.status === 'completed' : cartCheckout === undefined || cartCheckout.status === 'released',
      () => ({ checkoutId: id, detail: `the checkout ${completed ? 'completed' : 'failed'}; the cart's lock is ${cartCheckout?.status ?? 'missing'}`, rows: cartCheckout }),
    );

    const confirmed = notificationsByEvent.get(idempotencyKey(id, 'notify:order_confirmed'));
    const failed = notificationsByEvent.get(idempotencyKey(id, 'notify:checkout_failed'));
    const wanted = completed ? 'order_confirmed' : SILENT_FAILURES.has(ended) ? 'none' : 'checkout_failed';
    check(
      'customer-told-once',
      wanted === 'order_confirmed' ? !!confirmed && !failed : wanted === 'checkout_failed' ? !!failed && !confirmed : !confirmed && !failed,
      () => ({ checkoutId: id, detail: `expected ${wanted}; found ${[confirmed?.template, failed?.template].filter(Boolean).join(', ') || 'none'}` }),
    );
  }

  // Every notification went out once on each of its channels.
  const deliveries = groupBy(evidence.deliveries, (row) => row.notification_id);
  const mails = groupBy(evidence.mailbox, (row) => MESSAGE_ID.exec(row.message_id ?? '')?.[1]);
  const texts = groupBy(evidence.sms, (row) => row.reference);
  for (const notification of evidence.notifications) {
    const channels = deliveries.get(notification.id) ?? [];
    const expected = notification.phone ? ['email', 'sms'] : ['email'];
    const received = { email: mails.get(notification.id)?.length ?? 0, sms: texts.get(notification.id)?.length ?? 0 };
    check(
      'one-message-per-event-and-channel',
      channels.map((row) => row.channel).sort().join() === expected.join() &&
        channels.every((row) => row.status === 'sent') &&
        received.email === 1 &&
        received.sms === (notification.phone ? 1 : 0),
      () => ({ detail: `notification ${notification.event_id}: received ${received.email} e-mails and ${received.sms} SMS`, rows: { notification, deliveries: channels } }),
    );
  }

  // Stock: nothing made or lost, nothing left held.
  for (const [sku, initial] of Object.entries(initialStock)) {
    const item = evidence.stock.find((row) => row.sku === sku);
    const committed = evidence.reservations
      .filter((row) => row.status === 'committed')
      .flatMap((row) => row.lines)
      .filter((line) => line.sku === sku)
      .reduce((sum, line) => sum + line.quantity, 0);
    check('stock-conserved', !!item && item.on_hand + committed === initial && item.reserved === 0, () => ({
      detail: `${sku}: on hand ${item?.on_hand} + committed ${committed} = ${(item?.on_hand ?? 0) + committed}, not ${initial}; reserved ${item?.reserved}`,
      rows: item,
    }));
  }
  for (const reservation of evidence.reservations) {
    check('no-reservation-held', reservation.status !== 'active', () => ({ checkoutId: reservation.id, detail: 'a reservation is still active', rows: reservation }));
  }
  for (const cart of evidence.carts) {
    check('no-cart-locked', cart.status === 'open', () => ({ checkoutId: cart.checkout_id ?? undefined, detail: `the cart of ${cart.customer_id} is ${cart.status}`, rows: cart }));
  }
  for (const lock of evidence.cartCheckouts) {
    check('no-cart-locked', lock.status !== 'locked', () => ({ checkoutId: lock.checkout_id, detail: 'a cart checkout is still locked', rows: lock }));
  }
  check('no-payment-left-pending', evidence.pendingAttempts.length === 0, () => ({
    detail: `${evidence.pendingAttempts.length} charge or refund attempts are still pending`,
    rows: evidence.pendingAttempts,
  }));
  return { checked, violations };
}

/** Each service's database on the run's PostgreSQL, read-only. */
async function readOnly<T>(adminUrl: string, database: string, read: (query: <R>(sql: string, params?: unknown[]) => Promise<R[]>) => Promise<T>): Promise<T> {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const client = new PgClient({ connectionString: url.toString(), options: '-c default_transaction_read_only=on' });
  await client.connect();
  try {
    return await read(async <R>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as R[]);
  } finally {
    await client.end();
  }
}

export async function readEvidence(adminUrl: string): Promise<Evidence> {
  const [orders, payments, provider, inventory, cart, notifications, mail] = await Promise.all([
    readOnly(adminUrl, databaseName('orders'), (query) =>
      query<Evidence['orders'][number]>('select id, checkout_id, status, total::float8 as total, lines, charge_id from orders'),
    ),
    readOnly(adminUrl, databaseName('payments'), async (query) => ({
      charges: await query<Evidence['charges'][number]>('select id, reference, amount, amount_refunded, status, provider_charge_id from charges'),
      refunds: await query<Evidence['refunds'][number]>('select id, charge_id, amount, provider_refund_id from refunds'),
      pendingAttempts: [
        ...(await query<{ id: string; subject: string }>("select id, reference as subject from charge_attempts where status = 'pending'")).map((row) => ({ kind: 'charge' as const, ...row })),
        ...(await query<{ id: string; subject: string }>("select id, charge_id as subject from refund_attempts where status = 'pending'")).map((row) => ({ kind: 'refund' as const, ...row })),
      ],
      paymentReferences: await query<Evidence['paymentReferences'][number]>('select reference, status, charge_id from payment_references'),
    })),
    readOnly(adminUrl, SIMULATORS['payment-provider'].database, async (query) => ({
      providerCharges: await query<Evidence['providerCharges'][number]>(
        "select id, amount, amount_refunded, status, metadata->>'shop_reference' as reference, metadata->>'shop_charge_id' as shop_charge_id from charges",
      ),
      providerRefunds: await query<Evidence['providerRefunds'][number]>('select id, charge_id, amount from refunds'),
    })),
    readOnly(adminUrl, databaseName('inventory'), async (query) => ({
      stock: await query<Evidence['stock'][number]>('select sku, on_hand, reserved from stock_items'),
      reservations: await query<Evidence['reservations'][number]>('select id, status, lines from reservations'),
    })),
    readOnly(adminUrl, databaseName('cart'), async (query) => ({
      carts: await query<Evidence['carts'][number]>('select customer_id, status, checkout_id from carts'),
      cartCheckouts: await query<Evidence['cartCheckouts'][number]>('select checkout_id, status, snapshot from cart_checkouts'),
    })),
    readOnly(adminUrl, databaseName('notifications'), async (query) => ({
      notifications: await query<Evidence['notifications'][number]>('select id, event_id, template, phone from notifications'),
      deliveries: await query<Evidence['deliveries'][number]>('select notification_id, channel, status, attempts from notification_deliveries'),
      sms: await query<Evidence['sms'][number]>('select reference from sms_messages'),
    })),
    // What the mail server (its simulator) received, as the payment provider's charges are read from its own.
    readOnly(adminUrl, SIMULATORS['mail-server'].database, async (query) => ({
      mailbox: await query<Evidence['mailbox'][number]>('select message_id from messages'),
    })),
  ]);
  return { orders, ...payments, ...provider, ...inventory, ...cart, ...notifications, ...mail };
}

/**
 * What is still settling after every checkout ended: payment attempts left
 * pending (the reconciliation job settles them after a minute), deliveries not
 * yet sent (the retry job sends them). Empty when there is nothing left to wait for.
 */
export async function stillSettling(adminUrl: string): Promise<string[]> {
  const evidence = await readEvidence(adminUrl);
  const waiting: string[] = [];
  if (evidence.pendingAttempts.length > 0) waiting.push(`${evidence.pendingAttempts.length} payment attempts pending`);
  const unsent = evidence.deliveries.filter((row) => row.status !== 'sent');
  if (unsent.length > 0) waiting.push(`${unsent.length} deliveries not sent`);
  return waiting;
}
