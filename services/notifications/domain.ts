/**
 * Notifications, outbox style: a notification is stored as `pending` in the
 * request's transaction and delivered only after that transaction committed
 * (sending inside it would send again when a rollback is followed by a retry).
 *
 * Whoever delivers first claims an attempt: it counts the attempt and moves
 * `next_attempt_at` past a lease, so no one else starts one meanwhile. The
 * request that created a notification claims the first attempt as it inserts
 * it; the retry job claims the rest with SKIP LOCKED, so several instances can
 * retry side by side. A failed attempt sets the next one after a growing pause,
 * until MAX_DELIVERY_ATTEMPTS. A crash between sending and recording can still
 * send twice; that is the price of never losing a message.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { stringify } from 'safe-stable-stringify';
import { conflict, notFound } from '../../platform/http/problem';
import type { components } from './api.gen';
import { Notification } from './entities';
import type { Mailer } from './mailer';
import type { RenderedMessage } from './templates';

type Schemas = components['schemas'];
export type SendNotificationInput = Schemas['SendNotificationRequest'];

export const MAX_DELIVERY_ATTEMPTS = 5;
/** Longer than an attempt can take (the SMTP transport's timeouts end one within a minute). */
export const DELIVERY_LEASE_MS = 2 * 60_000;
const FIRST_RETRY_DELAY_MS = 30_000;
const MAX_RETRY_DELAY_MS = 60 * 60_000;

/** 30 s after the first failure, doubling up to an hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(FIRST_RETRY_DELAY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_DELAY_MS);
}

export function toNotificationView(notification: Notification): Schemas['Notification'] {
  return {
    id: notification.id,
    eventId: notification.eventId,
    customerId: notification.customerId,
    channel: notification.channel,
    to: notification.recipient,
    template: notification.template,
    subject: notification.subject,
    body: notification.body,
    status: notification.status,
    attempts: notification.attempts,
    ...(notification.lastError ? { lastError: notification.lastError } : {}),
    createdAt: notification.createdAt.toISOString(),
    ...(notification.sentAt ? { sentAt: notification.sentAt.toISOString() } : {}),
  };
}

export async function getNotification(em: EntityManager, id: string): Promise<Notification> {
  const notification = await em.findOne(Notification, { id });
  if (!notification) throw notFound('Notification', id);
  return notification;
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
  return { items: notifications.map(toNotificationView), total, limit: query.limit, offset: query.offset };
}

function sameEvent(existing: Notification, input: SendNotificationInput): boolean {
  const content = (n: Pick<SendNotificationInput, 'customerId' | 'channel' | 'to' | 'template' | 'data'>) =>
    stringify({ customerId: n.customerId, channel: n.channel, to: n.to, template: n.template, data: n.data });
  return content({ ...existing, to: existing.recipient }) === content(input);
}

/**
 * Stores the notification for an event, claiming its first delivery attempt, or
 * finds the one the event already has. Runs inside the request's transaction.
 */
export async function recordNotification(
  em: EntityManager,
  input: SendNotificationInput,
  message: RenderedMessage,
): Promise<{ notification: Notification; created: boolean }> {
  // A concurrent request for the same event waits here until ours commits, then finds it.
  const inserted = await em.execute<{ id: string }[]>(
    `insert into notifications
       (id, event_id, customer_id, channel, recipient, template, data, subject, body, html,
        status, attempts, next_attempt_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 1, ?, now(), now())
     on conflict (event_id) do nothing returning id`,
    [
      randomUUID(),
      input.eventId,
      input.customerId,
      input.channel,
      input.to,
      input.template,
      JSON.stringify(input.data),
      message.subject,
      message.text,
      message.html,
      new Date(Date.now() + DELIVERY_LEASE_MS),
    ],
  );
  const created = inserted.length > 0;
  const notification = await em.findOneOrFail(Notification, { eventId: input.eventId }, { refresh: true });
  if (!created && !sameEvent(notification, input)) {
    throw conflict('notification-mismatch', `Event ${input.eventId} already has a notification with other content`, {
      notificationId: notification.id,
    });
  }
  return { notification, created };
}

function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.slice(0, 1000) || 'unknown error';
}

/**
 * Makes one delivery attempt that the caller has claimed, outside any
 * transaction, and records its outcome. Returns the notification as it stands.
 */
export async function attemptDelivery(em: EntityManager, mailer: Mailer, id: string): Promise<Notification> {
  const notification = await em.findOneOrFail(Notification, { id }, { refresh: true });
  if (notification.status === 'sent') return notification;
  let failure: string | undefined;
  try {
    await mailer.send({
      reference: notification.id,
      to: notification.recipient,
      subject: notification.subject,
      text: notification.body,
      html: notification.html,
    });
  } catch (error) {
    failure = describeError(error);
  }
  if (failure === undefined) {
    await em.nativeUpdate(Notification, { id }, { status: 'sent', sentAt: new Date(), lastError: null, nextAttemptAt: null });
  } else {
    const givingUp = notification.attempts >= MAX_DELIVERY_ATTEMPTS;
    // Never over a success: another worker may have sent it after this attempt's lease ran out.
    await em.nativeUpdate(
      Notification,
      { id, status: { $ne: 'sent' } },
      { status: 'failed', lastError: failure, nextAttemptAt: givingUp ? null : new Date(Date.now() + retryDelayMs(notification.attempts)) },
    );
  }
  return em.findOneOrFail(Notification, { id }, { refresh: true });
}

/** Claims up to `batchSize` notifications that are due for another attempt. */
export async function claimDueNotifications(em: EntityManager, batchSize: number): Promise<string[]> {
  const claimed = await em.execute<{ id: string }[]>(
    `update notifications set attempts = attempts + 1, next_attempt_at = ?, updated_at = now()
     where id in (
       select id from notifications
       where status <> 'sent' and next_attempt_at <= now() and attempts < ?
       order by next_attempt_at
       limit ? for update skip locked)
     returning id`,
    [new Date(Date.now() + DELIVERY_LEASE_MS), MAX_DELIVERY_ATTEMPTS, batchSize],
  );
  return claimed.map((row) => row.id);
}

/** One pass of the retry job: claim what is due, then deliver each outside any transaction. */
export async function retryDueNotifications(em: EntityManager, mailer: Mailer, batchSize = 20): Promise<Notification[]> {
  const ids = await claimDueNotifications(em, batchSize);
  const results: Notification[] = [];
  for (const id of ids) results.push(await attemptDelivery(em, mailer, id));
  return results;
}
