/**
 * Hands the outbox's order events to the notifications service, so that every
 * status change reaches the customer even when notifications is down for a
 * while: an event stays due until the service has taken it, with growing
 * pauses between tries, and is never given up on.
 *
 * No transaction is open while notifications is called. A relay run claims a
 * batch of due events in one short statement (`for update skip locked`, so
 * instances never claim the same event): it stamps them with its claim id and
 * moves their `next_attempt_at` past a lease. That commits at once; then each
 * event is handed over, and marked delivered, or released with a backoff, in
 * a statement of its own. A relay that dies mid-way leaves its events claimed
 * only until the lease ends; then they are due again and another run takes
 * them. An event handed over twice that way (a crash after sending, before
 * marking) still reaches the customer once: notifications keeps one message
 * per event id.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { startPeriodicJob } from '../../platform/periodic-job';
import type { Logger } from '../../platform/logger';
import type { BackgroundJob } from '../../platform/service-main';
import type { NotificationsClient } from '../notifications/client';
import { SERVICE_HTTP_TIMEOUT_MS } from '../../temporal.config';
import { Order, OrderEvent } from './entities';

export type DeliverOrderEvent = (event: OrderEvent, order: Order) => Promise<void>;

const BATCH_SIZE = 20;
/**
 * Longer than a batch can take: its hand-overs run one after another (in the
 * order the changes happened), each cut off by the HTTP client's timeout.
 */
export const RELAY_LEASE_MS = BATCH_SIZE * SERVICE_HTTP_TIMEOUT_MS + 60_000;
const MAX_PAUSE_MS = 15 * 60_000;

/** 2 s, 4 s, 8 s … up to 15 minutes; an event is never given up on. */
export function pauseAfter(attempts: number): number {
  return Math.min(MAX_PAUSE_MS, 1000 * 2 ** Math.min(attempts, 20));
}

/** Claims up to `batchSize` due events for one relay run; the statement commits on its own. */
export async function claimDueOrderEvents(em: EntityManager, claimId: string, batchSize = BATCH_SIZE): Promise<string[]> {
  const claimed = await em.execute<{ id: string }[]>(
    `update order_events set claim_id = ?, attempts = attempts + 1, next_attempt_at = now() + ? * interval '1 millisecond'
     where id in (
       select id from order_events where delivered_at is null and next_attempt_at <= now()
       order by next_attempt_at limit ? for update skip locked)
     returning id`,
    [claimId, RELAY_LEASE_MS, batchSize],
  );
  return claimed.map((row) => row.id);
}

/** One pass over the due events; answers what happened to each. */
export async function relayDueOrderEvents(em: EntityManager, deliver: DeliverOrderEvent): Promise<{ delivered: string[]; failed: string[] }> {
  const delivered: string[] = [];
  const failed: string[] = [];
  const claimId = randomUUID();
  const ids = await claimDueOrderEvents(em, claimId);
  if (ids.length === 0) return { delivered, failed };
  const events = await em.find(OrderEvent, { id: { $in: ids } }, { orderBy: { occurredAt: 'asc' }, refresh: true });
  const orders = new Map((await em.find(Order, { id: { $in: events.map((event) => event.orderId) } })).map((order) => [order.id, order]));
  for (const event of events) {
    try {
      const order = orders.get(event.orderId);
      if (!order) throw new Error(`order ${event.orderId} is missing`);
      await deliver(event, order);
    } catch (error) {
      const lastError = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
      // Only while still ours: once the lease ran out, another run may hold it, and its claim stands.
      await em.execute(
        `update order_events set claim_id = null, last_error = ?, next_attempt_at = now() + ? * interval '1 millisecond'
         where id = ? and claim_id = ?`,
        [lastError, pauseAfter(event.attempts), event.id, claimId],
      );
      failed.push(event.id);
      continue;
    }
    // Delivered is delivered, whoever holds the claim now.
    await em.execute('update order_events set claim_id = null, delivered_at = now(), last_error = null where id = ? and delivered_at is null', [event.id]);
    delivered.push(event.id);
  }
  return { delivered, failed };
}

/** The real hand-over: one notification per event (e-mail, and SMS when the order has a phone). */
export function deliverThroughNotifications(notifications: NotificationsClient): DeliverOrderEvent {
  return async (event, order) => {
    const eventId = `order-${order.id}:${event.type}`;
    const data: Record<string, string> = { orderId: order.id };
    if (event.note) data[event.type === 'order_cancelled' ? 'reason' : 'note'] = event.note;
    const { response, error } = await notifications.POST('/notifications', {
      params: { header: { 'Idempotency-Key': eventId } },
      body: {
        eventId,
        customerId: order.customerId,
        template: event.type,
        data,
        email: order.customerEmail,
        ...(order.customerPhone ? { phone: order.customerPhone } : {}),
      },
    });
    if (!response.ok) throw new Error(`notifications answered ${response.status}: ${JSON.stringify(error)}`);
  };
}

export function startOrderEventRelay(
  orm: MikroORM,
  deliver: DeliverOrderEvent,
  logger: Logger,
  intervalMs = Number(process.env.ORDER_EVENT_RELAY_INTERVAL_MS || 1_000),
): BackgroundJob {
  return startPeriodicJob({
    name: 'relaying order events',
    intervalMs,
    logger,
    work: async () => {
      const { delivered, failed } = await relayDueOrderEvents(orm.em.fork() as EntityManager, deliver);
      if (failed.length > 0) logger.warn({ delivered, failed }, 'some order events could not be handed to notifications; will retry');
      else if (delivered.length > 0) logger.info({ delivered }, 'order events handed to notifications');
    },
  });
}
