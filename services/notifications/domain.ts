/**
 * Notifications, outbox style: a notification and one delivery per channel
 * (e-mail; SMS when there is a phone) are stored as `pending` in the request's
 * transaction and delivered only after that transaction committed (sending
 * inside it would send again when a rollback is followed by a retry).
 *
 * Each delivery is claimed, attempted and retried on its own. Whoever delivers
 * claims an attempt first: it counts the attempt, marks the delivery `pending`
 * and moves `next_attempt_at` past a lease, so no one else starts one
 * meanwhile. The request that created a notification claims the first
 * attempts as it inserts the deliveries; the retry job claims the rest with
 * SKIP LOCKED, so several instances can retry side by side; support's re-drive
 * claims one with a conditional update. A failed attempt sets the next one
 * after a pause that doubles up to an hour, and retries go on until the
 * delivery is sent: a message is never given up on (a long failure is logged
 * loudly instead, see alerts.ts). A crash between sending and recording can
 * still send twice; that is the price of never losing a message.
 */
import { randomUUID } from 'node:crypto';
import { QueryOrder, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { stringify } from 'safe-stable-stringify';
import { conflict, notFound } from '../../platform/http/problem';
import { rowTimestamp } from '../../platform/db';
import type { components } from './api.gen';
import { Delivery, Notification, SmsMessage, type Channel, type DeliveryStatus } from './entities';
import type { Mailer } from './mailer';
import type { SmsProvider } from './sms';
import type { RenderedMessage } from './templates';

type Schemas = components['schemas'];
export type SendNotificationInput = Schemas['SendNotificationRequest'];

export interface Senders {
  mailer: Mailer;
  sms: SmsProvider;
}

/** Longer than an attempt can take (the SMTP transport's timeouts end one within a minute). */
export const DELIVERY_LEASE_MS = 2 * 60_000;
export const FIRST_RETRY_DELAY_MS = 30_000;
/** The longest pause between two attempts: a delivery failing for days is still tried every hour. */
export const MAX_RETRY_DELAY_MS = 60 * 60_000;

/** 30 s after the first failure, doubling up to an hour, however many attempts have failed. */
export function retryDelayMs(attempts: number): number {
  // 2^7 × 30 s is past the hour already; a bounded exponent keeps the arithmetic finite.
  return Math.min(FIRST_RETRY_DELAY_MS * 2 ** Math.min(Math.max(0, attempts - 1), 20), MAX_RETRY_DELAY_MS);
}

export type DeliveryView = Schemas['Delivery'];
export type DeliveryDetailView = Schemas['DeliveryDetail'];

/**
 * A delivery's columns, as an entity has them or as a statement returned them: the request path works
 * with plain rows, since hydrating entities (and flushing the identity map they join) was a good part
 * of a notification's CPU.
 */
export type DeliveryState = Omit<Delivery, 'notification'>;
/** What a delivery's detail and its alerts show of its notification. */
export type DeliveryWithNotification = DeliveryState & { notification: Pick<Notification, 'id' | 'eventId' | 'customerId' | 'template'> };

const nullableTimestamp = (em: EntityManager, value: unknown): Date | null => (value == null ? null : rowTimestamp(em, value));

/** A row of notification_deliveries as `returning *` gives it. */
function deliveryFromRow(em: EntityManager, row: Record<string, unknown>): DeliveryState {
  return {
    id: row.id as string,
    channel: row.channel as Channel,
    recipient: row.recipient as string,
    status: row.status as DeliveryStatus,
    attempts: row.attempts as number,
    lastError: row.last_error as string | null,
    lastAttemptAt: nullableTimestamp(em, row.last_attempt_at),
    firstFailedAt: nullableTimestamp(em, row.first_failed_at),
    nextAttemptAt: nullableTimestamp(em, row.next_attempt_at),
    providerMessageId: row.provider_message_id as string | null,
    createdAt: rowTimestamp(em, row.created_at),
    updatedAt: rowTimestamp(em, row.updated_at),
    sentAt: nullableTimestamp(em, row.sent_at),
  };
}

/** A delivery as the API shows it: its attempts, last error and, until sent, when the next attempt is due. */
export function toDeliveryView(delivery: DeliveryState): DeliveryView {
  const unsent = delivery.status !== 'sent';
  return {
    id: delivery.id,
    channel: delivery.channel,
    to: delivery.recipient,
    status: delivery.status,
    attempts: delivery.attempts,
    ...(delivery.lastError ? { lastError: delivery.lastError } : {}),
    ...(delivery.lastAttemptAt ? { lastAttemptAt: delivery.lastAttemptAt.toISOString() } : {}),
    ...(unsent && delivery.nextAttemptAt ? { nextAttemptAt: delivery.nextAttemptAt.toISOString() } : {}),
    ...(unsent && delivery.firstFailedAt ? { failingSince: delivery.firstFailedAt.toISOString() } : {}),
    ...(delivery.sentAt ? { sentAt: delivery.sentAt.toISOString() } : {}),
  };
}

/** A delivery whose notification is loaded. */
export function toDeliveryDetail(delivery: DeliveryWithNotification): DeliveryDetailView {
  const notification = delivery.notification;
  return {
    ...toDeliveryView(delivery),
    notificationId: notification.id,
    eventId: notification.eventId,
    customerId: notification.customerId,
    template: notification.template,
    createdAt: delivery.createdAt.toISOString(),
  };
}

export interface NotificationWithDeliveries {
  notification: Notification;
  deliveries: DeliveryState[];
}

function overallStatus(deliveries: DeliveryState[]): DeliveryStatus {
  if (deliveries.some((delivery) => delivery.status === 'pending')) return 'pending';
  return deliveries.every((delivery) => delivery.status === 'sent') ? 'sent' : 'failed';
}

export function toNotificationView({ notification, deliveries }: NotificationWithDeliveries): Schemas['Notification'] {
  const ordered = deliveries.length > 1 ? [...deliveries].sort((a, b) => a.channel.localeCompare(b.channel)) : deliveries;
  const status = overallStatus(ordered);
  const lastSent = Math.max(...ordered.map((delivery) => delivery.sentAt?.getTime() ?? 0));
  return {
    id: notification.id,
    eventId: notification.eventId,
    customerId: notification.customerId,
    template: notification.template,
    email: notification.email,
    ...(notification.phone ? { phone: notification.phone } : {}),
    subject: notification.subject,
    body: notification.body,
    ...(notification.smsText ? { smsText: notification.smsText } : {}),
    status,
    deliveries: ordered.map(toDeliveryView),
    createdAt: notification.createdAt.toISOString(),
    ...(status === 'sent' && lastSent > 0 ? { sentAt: new Date(lastSent).toISOString() } : {}),
  };
}

async function withDeliveries(em: EntityManager, notifications: Notification[]): Promise<NotificationWithDeliveries[]> {
  if (notifications.length === 0) return [];
  const deliveries = await em.find(Delivery, { notification: { $in: notifications.map((n) => n.id) } }, { refresh: true });
  return notifications.map((notification) => ({
    notification,
    deliveries: deliveries.filter((delivery) => delivery.notification.id === notification.id),
  }));
}

export async function getNotification(em: EntityManager, id: string): Promise<NotificationWithDeliveries> {
  const notification = await em.findOne(Notification, { id }, { refresh: true });
  if (!notification) throw notFound('Notification', id);
  const [found] = await withDeliveries(em, [notification]);
  return found!;
}

export async function listNotifications(
  em: EntityManager,
  query: { customerId?: string; limit: number; offset: number },
): Promise<Schemas['NotificationPage']> {
  const where = query.customerId ? { customerId: query.customerId } : {};
  const [notifications, total] = await em.findAndCount(Notification, where, {
    orderBy: { createdAt: 'desc', id: 'desc' },
    limit: query.limit,
    offset: query.offset,
  });
  const items = (await withDeliveries(em, notifications)).map(toNotificationView);
  return { items, total, limit: query.limit, offset: query.offset };
}

function sameEvent(existing: Notification, input: SendNotificationInput): boolean {
  const content = (n: { customerId: string; template: string; data: unknown; email: string; phone?: string | null }) =>
    stringify({ customerId: n.customerId, template: n.template, data: n.data, email: n.email, phone: n.phone ?? null });
  return content(existing) === content(input);
}

/**
 * Stores the notification for an event with a delivery per channel, claiming
 * each delivery's first attempt, or finds the one the event already has. Runs
 * inside the request's transaction.
 */
export async function recordNotification(
  em: EntityManager,
  input: SendNotificationInput,
  message: RenderedMessage,
): Promise<NotificationWithDeliveries & { created: boolean }> {
  const id = randomUUID();
  const channels: { id: string; channel: Channel; to: string }[] = [
    { id: randomUUID(), channel: 'email', to: input.email },
    ...(input.phone ? [{ id: randomUUID(), channel: 'sms' as const, to: input.phone }] : []),
  ];
  const leaseEnd = new Date(Date.now() + DELIVERY_LEASE_MS);
  // One statement: the deliveries are inserted only with the notification, so a known event gets none.
  // A concurrent request for the same event waits here until ours commits, then finds it.
  const [inserted] = await em.execute<{ created_at: string }[]>(
    `with notification as (
       insert into notifications
         (id, event_id, customer_id, template, data, email, phone, subject, body, html, sms_text, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())
       on conflict (event_id) do nothing returning id, created_at
     ), deliveries as (
       insert into notification_deliveries
         (id, notification_id, channel, recipient, status, attempts, next_attempt_at, created_at, updated_at)
       select delivery.id::uuid, notification.id, delivery.channel, delivery.recipient, 'pending', 1, ?::timestamptz, now(), now()
       from notification, (values ${channels.map(() => '(?, ?, ?)').join(', ')}) as delivery (id, channel, recipient)
     )
     select created_at from notification`,
    [
      id,
      input.eventId,
      input.customerId,
      input.template,
      JSON.stringify(input.data),
      input.email,
      input.phone ?? null,
      message.subject,
      message.text,
      message.html,
      input.phone ? message.sms : null,
      leaseEnd,
      ...channels.flatMap((delivery) => [delivery.id, delivery.channel, delivery.to]),
    ],
  );
  if (inserted) {
    // As inserted: only now() is the database's (the transaction's start, the same for the notification and its deliveries).
    const createdAt = rowTimestamp(em, inserted.created_at);
    const notification: Notification = {
      id,
      eventId: input.eventId,
      customerId: input.customerId,
      template: input.template,
      data: input.data,
      email: input.email,
      phone: input.phone ?? null,
      subject: message.subject,
      body: message.text,
      html: message.html,
      smsText: input.phone ? message.sms : null,
      createdAt,
    };
    const deliveries = channels.map(
      (delivery): DeliveryState => ({
        id: delivery.id,
        channel: delivery.channel,
        recipient: delivery.to,
        status: 'pending',
        attempts: 1,
        nextAttemptAt: leaseEnd,
        lastError: null,
        lastAttemptAt: null,
        firstFailedAt: null,
        providerMessageId: null,
        sentAt: null,
        createdAt,
        updatedAt: createdAt,
      }),
    );
    return { notification, deliveries, created: true };
  }
  const notification = await em.findOneOrFail(Notification, { eventId: input.eventId }, { refresh: true });
  if (!sameEvent(notification, input)) {
    throw conflict('notification-mismatch', `Event ${input.eventId} already has a notification with other content`, {
      notificationId: notification.id,
    });
  }
  const [found] = await withDeliveries(em, [notification]);
  return { ...found!, created: false };
}

function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.slice(0, 1000) || 'unknown error';
}

/** What an attempt needs of a delivery's notification, and what its alerts name. */
type SentNotification = Pick<Notification, 'id' | 'eventId' | 'customerId' | 'template' | 'subject' | 'body' | 'html' | 'smsText'>;

async function sendOn(senders: Senders, delivery: DeliveryState, notification: SentNotification): Promise<string> {
  switch (delivery.channel) {
    case 'email': {
      const { messageId } = await senders.mailer.send({
        reference: notification.id,
        to: delivery.recipient,
        subject: notification.subject,
        text: notification.body,
        html: notification.html,
      });
      return messageId;
    }
    case 'sms': {
      if (!notification.smsText) throw new Error('the notification has no SMS text');
      const { providerMessageId } = await senders.sms.send({ to: delivery.recipient, text: notification.smsText, reference: notification.id });
      return providerMessageId;
    }
  }
}

/**
 * Makes one delivery attempt that the caller has claimed, outside any transaction, and records
 * its outcome. Returns the delivery as it stands, with its notification.
 */
async function deliverClaimed(
  em: EntityManager,
  senders: Senders,
  delivery: DeliveryState,
  notification: SentNotification,
): Promise<DeliveryWithNotification> {
  let outcome: { ok: true; providerMessageId: string } | { ok: false; error: string };
  try {
    outcome = { ok: true, providerMessageId: await sendOn(senders, delivery, notification) };
  } catch (error) {
    outcome = { ok: false, error: describeError(error) };
  }
  // The database's clock for every timestamp the queue compares, so instances with drifting clocks agree.
  const [recorded] = outcome.ok
    ? await em.execute<Record<string, unknown>[]>(
        `update notification_deliveries
         set status = 'sent', sent_at = now(), last_attempt_at = now(), last_error = null, next_attempt_at = null, first_failed_at = null,
             provider_message_id = ?, updated_at = now()
         where id = ? returning *`,
        [outcome.providerMessageId.slice(0, 998), delivery.id],
      )
    : // Never over a success: another worker may have sent it after this attempt's lease ran out.
      await em.execute<Record<string, unknown>[]>(
        `update notification_deliveries
         set status = 'failed', last_error = ?, last_attempt_at = now(), first_failed_at = coalesce(first_failed_at, now()),
             next_attempt_at = now() + ? * interval '1 millisecond', updated_at = now()
         where id = ? and status <> 'sent' returning *`,
        [outcome.error, retryDelayMs(delivery.attempts), delivery.id],
      );
  if (recorded) return { ...deliveryFromRow(em, recorded), notification };
  return em.findOneOrFail(Delivery, { id: delivery.id }, { refresh: true, populate: ['notification'] });
}

/**
 * Makes one delivery attempt that the caller has claimed, outside any
 * transaction, and records its outcome. Returns the delivery as it stands,
 * with its notification.
 */
export async function attemptDelivery(em: EntityManager, senders: Senders, id: string): Promise<DeliveryWithNotification> {
  const delivery = await em.findOneOrFail(Delivery, { id }, { refresh: true, populate: ['notification'] });
  if (delivery.status === 'sent') return delivery;
  return deliverClaimed(em, senders, delivery, delivery.notification);
}

/**
 * The first attempt on every channel of a notification just recorded (and committed), whose
 * deliveries its request claimed: side by side, so one channel's trouble never holds up another.
 */
export async function attemptFirstDeliveries(
  em: EntityManager,
  senders: Senders,
  recorded: NotificationWithDeliveries,
): Promise<NotificationWithDeliveries & { attempted: DeliveryWithNotification[] }> {
  const { notification } = recorded;
  const attempted = await Promise.all(recorded.deliveries.map((delivery) => deliverClaimed(em, senders, delivery, notification)));
  return { notification, deliveries: attempted, attempted };
}

const CLAIM = `attempts = attempts + 1, status = 'pending', next_attempt_at = now() + ? * interval '1 millisecond', updated_at = now()`;

/** Claims up to `batchSize` deliveries that are due for another attempt, however many attempts they have had. */
export async function claimDueDeliveries(em: EntityManager, batchSize: number): Promise<string[]> {
  const claimed = await em.execute<{ id: string }[]>(
    `update notification_deliveries set ${CLAIM}
     where id in (
       select id from notification_deliveries
       where status <> 'sent' and next_attempt_at <= now()
       order by next_attempt_at
       limit ? for update skip locked)
     returning id`,
    [DELIVERY_LEASE_MS, batchSize],
  );
  return claimed.map((row) => row.id);
}

/**
 * One batch of the retry job: claim what is due, then deliver each outside any
 * transaction, side by side, so the batch ends within one attempt's time (well
 * inside the lease) even when every attempt waits for a timeout.
 */
export async function retryDueDeliveries(em: EntityManager, senders: Senders, batchSize = 20): Promise<DeliveryWithNotification[]> {
  const ids = await claimDueDeliveries(em, batchSize);
  return Promise.all(ids.map((id) => attemptDelivery(em.fork() as EntityManager, senders, id)));
}

export type RedriveClaim = 'claimed' | 'already-sent' | 'in-progress';

/**
 * Claims a delivery for an attempt now, whatever its backoff says, unless it
 * was sent or an attempt is under way (claimed, lease not over). The update
 * waits for the row lock, then looks at the row as it is (the job's claim and
 * another re-drive included), so two attempts never run at once.
 */
export async function claimForRedrive(em: EntityManager, id: string): Promise<RedriveClaim> {
  const claimed = await em.execute<{ id: string }[]>(
    `update notification_deliveries set ${CLAIM}
     where id = ? and status <> 'sent' and not (status = 'pending' and next_attempt_at > now())
     returning id`,
    [DELIVERY_LEASE_MS, id],
  );
  if (claimed.length > 0) return 'claimed';
  const delivery = await em.findOne(Delivery, { id }, { refresh: true });
  if (!delivery) throw notFound('Delivery', id);
  return delivery.status === 'sent' ? 'already-sent' : 'in-progress';
}

export async function getDelivery(em: EntityManager, id: string): Promise<Delivery> {
  const delivery = await em.findOne(Delivery, { id }, { refresh: true, populate: ['notification'] });
  if (!delivery) throw notFound('Delivery', id);
  return delivery;
}

export interface DeliveryQuery {
  status?: DeliveryStatus;
  channel?: Channel;
  customerId?: string;
  failingForSeconds?: number;
  limit: number;
  offset: number;
}

/** Support's view: the longest failing first, then the rest newest first. */
export async function listDeliveries(em: EntityManager, query: DeliveryQuery): Promise<Schemas['DeliveryPage']> {
  const where: FilterQuery<Delivery> = {
    ...(query.status ? { status: query.status } : {}),
    ...(query.channel ? { channel: query.channel } : {}),
    ...(query.customerId ? { notification: { customerId: query.customerId } } : {}),
  };
  if (query.failingForSeconds !== undefined) {
    where.firstFailedAt = { $lte: new Date(Date.now() - query.failingForSeconds * 1000) };
    if (!query.status) where.status = { $ne: 'sent' };
  }
  const [deliveries, total] = await em.findAndCount(Delivery, where, {
    populate: ['notification'],
    orderBy: [{ firstFailedAt: QueryOrder.ASC_NULLS_LAST }, { createdAt: QueryOrder.DESC }, { id: QueryOrder.ASC }],
    limit: query.limit,
    offset: query.offset,
  });
  return { items: deliveries.map(toDeliveryDetail), total, limit: query.limit, offset: query.offset };
}

export async function listSmsMessages(em: EntityManager, query: { to?: string; limit: number; offset: number }): Promise<Schemas['SmsMessagePage']> {
  const [messages, total] = await em.findAndCount(SmsMessage, query.to ? { recipient: query.to } : {}, {
    orderBy: { receivedAt: 'desc', id: 'desc' },
    limit: query.limit,
    offset: query.offset,
  });
  return {
    items: messages.map((message) => ({
      id: message.id,
      to: message.recipient,
      text: message.text,
      reference: message.reference,
      receivedAt: message.receivedAt.toISOString(),
    })),
    total,
    limit: query.limit,
    offset: query.offset,
  };
}
