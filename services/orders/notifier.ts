/**
 * Hands the outbox's order events to the notifications service, so that every
 * status change reaches the customer even when notifications is down for a
 * while: an event stays due until the service has taken it, with growing
 * pauses between tries. Several instances share the work: each claims due
 * events with `for update skip locked`. The notifications service keeps one
 * message per event id, so an event delivered twice (a crash after sending,
 * before marking) still reaches the customer once.
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { startPeriodicJob } from '../../platform/periodic-job';
import type { Logger } from '../../platform/logger';
import type { BackgroundJob } from '../../platform/service-main';
import type { NotificationsClient } from '../notifications/client';
import { Order, OrderEvent } from './entities';

export type DeliverOrderEvent = (event: OrderEvent, order: Order) => Promise<void>;

const BATCH_SIZE = 20;
const MAX_PAUSE_MS = 15 * 60_000;

/** 2 s, 4 s, 8 s … up to 15 minutes; an event is never given up on. */
export function pauseAfter(attempts: number): number {
  return Math.min(MAX_PAUSE_MS, 1000 * 2 ** Math.min(attempts, 20));
}

/** One pass over the due events; answers what happened to each. */
export async function relayDueOrderEvents(em: EntityManager, deliver: DeliverOrderEvent): Promise<{ delivered: string[]; failed: string[] }> {
  const delivered: string[] = [];
  const failed: string[] = [];
  await em.transactional(async (tx) => {
    const due = await tx.execute<{ id: string }[]>(
      'select id from order_events where delivered_at is null and next_attempt_at <= now() order by next_attempt_at limit ? for update skip locked',
      [BATCH_SIZE],
    );
    if (due.length === 0) return;
    const events = await tx.find(OrderEvent, { id: { $in: due.map((row) => row.id) } }, { orderBy: { occurredAt: 'asc' } });
    const orders = new Map((await tx.find(Order, { id: { $in: events.map((event) => event.orderId) } })).map((order) => [order.id, order]));
    for (const event of events) {
      const order = orders.get(event.orderId);
      try {
        if (!order) throw new Error(`order ${event.orderId} is missing`);
        await deliver(event, order);
        event.deliveredAt = new Date();
        event.lastError = null;
        delivered.push(event.id);
      } catch (error) {
        event.lastError = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
        event.nextAttemptAt = new Date(Date.now() + pauseAfter(event.attempts + 1));
        failed.push(event.id);
      }
      event.attempts += 1;
    }
  });
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
