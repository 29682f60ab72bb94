/**
 * The outbox relay against a real database. The delivery function here is a
 * recording stand-in (the real one, over HTTP to the notifications service,
 * is covered by test/system); what is tested is claiming, retrying and marking.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { EntityManager } from '@mikro-orm/postgresql';
import { serviceUnderTest, type ServiceUnderTest } from '../../test/support/service';
import { asAdmin, asService } from '../../test/support/auth';
import { ordersService } from './main';
import { claimDueOrderEvents, pauseAfter, relayDueOrderEvents, RELAY_LEASE_MS, type DeliverOrderEvent } from './notifier';
import { OrderEvent } from './entities';

let service: ServiceUnderTest;
let serviceAuth: string;
let adminAuth: string;

beforeAll(async () => {
  service = await serviceUnderTest(ordersService);
  serviceAuth = await asService('worker');
  adminAuth = await asAdmin();
});
afterAll(async () => {
  await service.close();
});

const em = () => service.orm.em.fork() as EntityManager;

async function paidOrder(): Promise<string> {
  const id = randomUUID();
  await request(service.app)
    .put(`/orders/${id}`)
    .set('authorization', serviceAuth)
    .send({
      checkoutId: `checkout-${id}`,
      customerId: 'customer-1',
      customerEmail: 'ada@example.com',
      customerPhone: '+441234567890',
      currency: 'USD',
      lines: [{ sku: 'MUG-TEMPORAL', name: 'Temporal mug', quantity: 1, unitPrice: 1250 }],
      total: 1250,
      shippingAddress: { name: 'Ada', line1: '1 Way', city: 'London', postalCode: 'N1', country: 'GB' },
      chargeId: `ch_${id}`,
    })
    .expect(201);
  return id;
}

const step = (id: string, what: 'ship' | 'deliver' | 'cancel', auth = adminAuth) =>
  request(service.app).post(`/orders/${id}/${what}`).set('authorization', auth).send(what === 'cancel' ? { reason: 'out of stock at the warehouse' } : {});

async function drain(deliver: DeliverOrderEvent): Promise<void> {
  for (;;) {
    const { delivered, failed } = await relayDueOrderEvents(em(), deliver);
    if (delivered.length === 0 && failed.length === 0) return;
  }
}

it('hands each status change to notifications once, in order', async () => {
  const id = await paidOrder();
  await step(id, 'ship').expect(200);
  await step(id, 'ship').expect(200); // a repeat is no news
  await step(id, 'deliver').expect(200);
  const seen: string[] = [];
  await drain(async (event, order) => {
    if (order.id === id) seen.push(`${event.type}:${order.customerPhone}`);
  });
  expect(seen).toEqual(['order_shipped:+441234567890', 'order_delivered:+441234567890']);
  await drain(async (event, order) => {
    if (order.id === id) throw new Error('delivered twice');
  });
});

it('tells the customer when staff cancel, but not when the checkout compensates', async () => {
  const byStaff = await paidOrder();
  const bySaga = await paidOrder();
  await step(byStaff, 'cancel').expect(200);
  await step(bySaga, 'cancel', serviceAuth).expect(200);
  const seen: string[] = [];
  await drain(async (event, order) => {
    seen.push(`${event.type}:${order.id}`);
  });
  expect(seen).toContain(`order_cancelled:${byStaff}`);
  expect(seen.some((entry) => entry.endsWith(bySaga))).toBe(false);
});

it('keeps an event due after a failed hand-over, and pauses longer each time', async () => {
  const id = await paidOrder();
  await step(id, 'ship').expect(200);
  const failing: DeliverOrderEvent = async () => {
    throw new Error('notifications unreachable');
  };
  const first = await relayDueOrderEvents(em(), failing);
  expect(first.failed).toHaveLength(1);
  const [event] = await em().find(OrderEvent, { orderId: id });
  expect(event).toMatchObject({ attempts: 1, deliveredAt: null, claimId: null, lastError: 'notifications unreachable' });
  expect(event!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
  // Not due yet: nothing to do.
  expect(await relayDueOrderEvents(em(), failing)).toEqual({ delivered: [], failed: [] });

  await em().execute('update order_events set next_attempt_at = now() where order_id = ?', [id]);
  const seen: string[] = [];
  await drain(async (e) => {
    seen.push(e.type);
  });
  expect(seen).toEqual(['order_shipped']);
  expect(pauseAfter(1)).toBeLessThan(pauseAfter(2));
  expect(pauseAfter(100)).toBe(15 * 60_000);
});

it('lets two relays share the work without handing an event over twice', async () => {
  const ids = await Promise.all(Array.from({ length: 6 }, paidOrder));
  for (const id of ids) await step(id, 'ship').expect(200);
  const handed: string[] = [];
  const slow: DeliverOrderEvent = async (event) => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    handed.push(event.id);
  };
  await Promise.all([drain(slow), drain(slow)]);
  expect(handed.length).toBe(new Set(handed).size);
  const undelivered = await em().count(OrderEvent, { deliveredAt: null });
  expect(undelivered).toBe(0);
});

/** A hand-over that waits, for one order, until the test lets it go on; `entered` resolves once it waits. */
function hangingFor(orderId: string) {
  let entered!: () => void;
  let release!: () => void;
  const enteredPromise = new Promise<void>((resolve) => (entered = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const deliver: DeliverOrderEvent = async (_event, order) => {
    if (order.id !== orderId) return;
    entered();
    await released;
  };
  return { deliver, entered: enteredPromise, release };
}

it('holds no transaction or row lock while notifications is called: the events can be changed meanwhile', async () => {
  const id = await paidOrder();
  await step(id, 'ship').expect(200);
  const hanging = hangingFor(id);
  const relaying = relayDueOrderEvents(em(), hanging.deliver);
  try {
    await hanging.entered;
    // While notifications hangs: from another connection, the claimed row is neither locked nor invisible.
    await em().transactional(async (tx) => {
      const rows = await tx.execute<{ claim_id: string | null; leased: boolean }[]>(
        'select claim_id, next_attempt_at > now() as leased from order_events where order_id = ? for update nowait',
        [id],
      );
      expect(rows).toEqual([{ claim_id: expect.any(String), leased: true }]);
      await tx.execute("update order_events set last_error = 'looked at by support' where order_id = ?", [id]);
    });
    // Another relay meanwhile leaves it alone: it is claimed.
    const other = await relayDueOrderEvents(em(), async (_event, order) => {
      if (order.id === id) throw new Error('claimed twice');
    });
    expect(other.failed).toEqual([]);
  } finally {
    hanging.release();
  }
  const result = await relaying;
  const [event] = await em().find(OrderEvent, { orderId: id });
  expect(result.delivered).toEqual([event!.id]);
  expect(event).toMatchObject({ attempts: 1, claimId: null, lastError: null });
  expect(event!.deliveredAt).not.toBeNull();
});

it('leaves the events of a relay that died after claiming them to another, once its lease is over', async () => {
  const id = await paidOrder();
  await step(id, 'ship').expect(200);
  const [event] = await em().find(OrderEvent, { orderId: id });
  // A relay claims, then dies before handing anything over.
  expect(await claimDueOrderEvents(em(), randomUUID())).toContain(event!.id);
  const claimed = await em().findOneOrFail(OrderEvent, { id: event!.id });
  expect(claimed.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + RELAY_LEASE_MS / 2);
  const seen: string[] = [];
  const record: DeliverOrderEvent = async (e) => {
    seen.push(e.id);
  };
  await drain(record);
  expect(seen).not.toContain(event!.id);

  // The lease runs out (moved forward rather than waited for).
  await em().execute('update order_events set next_attempt_at = now() where id = ?', [event!.id]);
  await drain(record);
  expect(seen.filter((e) => e === event!.id)).toHaveLength(1);
  expect(await em().findOneOrFail(OrderEvent, { id: event!.id })).toMatchObject({ attempts: 2, claimId: null });
});

it('lets a late relay, whose lease ran out, neither release nor take back an event another relay now holds', async () => {
  const id = await paidOrder();
  await step(id, 'ship').expect(200);
  const [event] = await em().find(OrderEvent, { orderId: id });
  const slow = hangingFor(id);
  const late = relayDueOrderEvents(em(), async (e, order) => {
    await slow.deliver(e, order);
    throw new Error('notifications timed out');
  });
  await slow.entered;
  // Its lease runs out and another relay claims the event.
  await em().execute('update order_events set next_attempt_at = now() where id = ?', [event!.id]);
  const current = randomUUID();
  expect(await claimDueOrderEvents(em(), current)).toContain(event!.id);
  slow.release();
  expect((await late).failed).toEqual([event!.id]);
  // The failure it reports does not undo the newer claim.
  expect(await em().findOneOrFail(OrderEvent, { id: event!.id })).toMatchObject({ claimId: current, lastError: null, attempts: 2 });
});
