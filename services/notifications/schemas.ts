/**
 * Request validation for the notifications API. Each schema is pinned to the
 * type generated from openapi/notifications.yaml, so the two cannot drift apart.
 * What each template needs from `data` is checked by the template (templates.ts).
 */
import { z } from 'zod';
import { queryInteger, specPattern } from '../../platform/http/zod-helpers';
import type { components } from './api.gen';
import { CHANNELS, TEMPLATES } from './entities';

type Schemas = components['schemas'];

export const CustomerId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/, 'must be 1-128 letters, digits or ".:@_-"');

export const NotificationIdParams = z.object({ notificationId: z.uuid('must be a UUID').transform((id) => id.toLowerCase()) });

export const TemplateData = z
  .record(
    z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'names must be 1-64 letters, digits or "_", starting with a letter'),
    z.union([z.string().max(2000), z.number()], 'must be a string or a number'),
  )
  .refine((data) => Object.keys(data).length <= 50, 'at most 50 values') satisfies z.ZodType<Schemas['TemplateData']>;

// Read from the spec's pattern, so spec and validation accept exactly the same addresses.
export const Email = z.string().max(254).pipe(specPattern('notifications.yaml', 'Email', 'must be an e-mail address'));
export const Phone = z.string().regex(/^\+[1-9][0-9]{6,14}$/, 'must be an E.164 phone number, like +441234567890');

export const SendNotificationRequest = z.strictObject({
  eventId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/, 'must be 1-200 letters, digits or "._:-", starting with a letter or digit'),
  customerId: CustomerId,
  template: z.enum(TEMPLATES),
  data: TemplateData,
  email: Email,
  phone: Phone.optional(),
}) satisfies z.ZodType<Schemas['SendNotificationRequest']>;

export const ListNotificationsQuery = z.strictObject({
  customerId: CustomerId.optional(),
  limit: queryInteger({ min: 1, max: 100, default: 50 }),
  offset: queryInteger({ min: 0, max: 1_000_000, default: 0 }),
});

export const DeliveryIdParams = z.object({ deliveryId: z.uuid('must be a UUID').transform((id) => id.toLowerCase()) });

export const ListDeliveriesQuery = z.strictObject({
  status: z.enum(['pending', 'sent', 'failed'] satisfies Schemas['DeliveryStatus'][]).optional(),
  channel: z.enum(CHANNELS).optional(),
  customerId: CustomerId.optional(),
  // No default: absent means no such filter.
  failingForSeconds: z
    .string()
    .regex(/^\d{1,10}$/, 'must be a whole number of seconds')
    .transform(Number)
    .pipe(z.number().int().max(315_360_000))
    .optional(),
  limit: queryInteger({ min: 1, max: 100, default: 50 }),
  offset: queryInteger({ min: 0, max: 1_000_000, default: 0 }),
});

export const ListSmsQuery = z.strictObject({
  to: Phone.optional(),
  limit: queryInteger({ min: 1, max: 100, default: 50 }),
  offset: queryInteger({ min: 0, max: 1_000_000, default: 0 }),
});
