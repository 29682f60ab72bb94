import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export type Channel = 'email';
export type TemplateName = 'order_confirmed' | 'checkout_failed';
export type NotificationStatus = 'pending' | 'sent' | 'failed';
export type TemplateData = Record<string, string | number>;

const CHANNELS: Channel[] = ['email'];
const TEMPLATES: TemplateName[] = ['order_confirmed', 'checkout_failed'];
const STATUSES: NotificationStatus[] = ['pending', 'sent', 'failed'];

export const Notification = defineEntity({
  name: 'Notification',
  tableName: 'notifications',
  properties: {
    id: p.uuid().primary(),
    eventId: p.string().length(200).unique(),
    customerId: p.string().length(128),
    channel: p.enum(CHANNELS),
    recipient: p.string().length(254),
    template: p.enum(TEMPLATES),
    data: p.json<TemplateData>(),
    // The rendered message is kept, so every retry sends exactly what was first rendered.
    subject: p.text(),
    body: p.text(),
    html: p.text(),
    status: p.enum(STATUSES),
    /** Delivery attempts started, the one under way included. */
    attempts: p.integer().default(0),
    lastError: p.text().nullable(),
    /**
     * When the next attempt may start: the end of the current attempt's lease
     * while one is under way, then the retry's backoff; null once sent or given up.
     */
    nextAttemptAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
    sentAt: p.datetime().nullable(),
  },
  indexes: [
    { properties: ['customerId', 'createdAt'] },
    // The retry job's queue: only notifications still waiting to go out.
    {
      name: 'notifications_next_attempt_at_index',
      expression: "create index notifications_next_attempt_at_index on notifications (next_attempt_at) where status <> 'sent'",
    },
  ],
});
export type Notification = InferEntity<typeof Notification>;

export const notificationsEntities = [Notification];
