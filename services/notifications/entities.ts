import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export type Channel = 'email' | 'sms';
export type TemplateName = 'order_confirmed' | 'checkout_failed' | 'order_shipped' | 'order_delivered' | 'order_cancelled';
export type DeliveryStatus = 'pending' | 'sent' | 'failed';
export type TemplateData = Record<string, string | number>;

export const CHANNELS: Channel[] = ['email', 'sms'];
export const TEMPLATES: TemplateName[] = ['order_confirmed', 'checkout_failed', 'order_shipped', 'order_delivered', 'order_cancelled'];
const STATUSES: DeliveryStatus[] = ['pending', 'sent', 'failed'];

/** One per event: what the customer is told, rendered once, so every retry sends exactly what was first rendered. */
export const Notification = defineEntity({
  name: 'Notification',
  tableName: 'notifications',
  properties: {
    id: p.uuid().primary(),
    eventId: p.string().length(200).unique(),
    customerId: p.string().length(128),
    template: p.enum(TEMPLATES),
    data: p.json<TemplateData>(),
    email: p.string().length(254),
    phone: p.string().length(16).nullable(),
    subject: p.text(),
    body: p.text(),
    html: p.text(),
    smsText: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  indexes: [{ properties: ['customerId', 'createdAt'] }],
});
export type Notification = InferEntity<typeof Notification>;

/**
 * One channel of a notification, delivered and retried on its own: a broken
 * SMS provider must neither hold back the e-mail nor make it go out twice.
 */
export const Delivery = defineEntity({
  name: 'Delivery',
  tableName: 'notification_deliveries',
  properties: {
    id: p.uuid().primary(),
    notification: () => p.manyToOne(Notification).deleteRule('cascade'),
    channel: p.enum(CHANNELS),
    recipient: p.string().length(254),
    status: p.enum(STATUSES),
    /** Delivery attempts started, the one under way included. */
    attempts: p.integer().default(0),
    lastError: p.text().nullable(),
    /** When the last finished attempt ended, sent or failed. */
    lastAttemptAt: p.datetime().nullable(),
    /** When the first failed attempt ended; how long the customer has been waiting on this channel. Null once sent. */
    firstFailedAt: p.datetime().nullable(),
    /**
     * When the next attempt may start: the end of the current attempt's lease
     * while one is under way (status `pending`), then the retry's backoff
     * (status `failed`); null once sent. Never null before that: nothing is given up on.
     */
    nextAttemptAt: p.datetime().nullable(),
    /** What the provider called it (the Message-ID, the SMS id). */
    providerMessageId: p.string().length(998).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
    sentAt: p.datetime().nullable(),
  },
  // Exactly one delivery per channel per event, whatever the code does.
  uniques: [{ properties: ['notification', 'channel'] }],
  indexes: [
    // The retry job's queue: only deliveries still waiting to go out.
    {
      name: 'notification_deliveries_next_attempt_at_index',
      expression: "create index notification_deliveries_next_attempt_at_index on notification_deliveries (next_attempt_at) where status <> 'sent'",
    },
    // Support's list of failing deliveries, the longest failing first.
    {
      name: 'notification_deliveries_first_failed_at_index',
      expression: "create index notification_deliveries_first_failed_at_index on notification_deliveries (first_failed_at) where status <> 'sent'",
    },
  ],
});
export type Delivery = InferEntity<typeof Delivery>;

/** An SMS as the local provider recorded it. */
export const SmsMessage = defineEntity({
  name: 'SmsMessage',
  tableName: 'sms_messages',
  properties: {
    id: p.uuid().primary(),
    recipient: p.string().length(16),
    text: p.text(),
    reference: p.string().length(200),
    receivedAt: p.datetime(),
  },
  indexes: [{ properties: ['recipient', 'receivedAt'] }],
});
export type SmsMessage = InferEntity<typeof SmsMessage>;

export const notificationsEntities = [Notification, Delivery, SmsMessage];
