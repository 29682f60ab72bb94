/**
 * What the service says about a delivery after each attempt. Retries never
 * stop, so a message cannot be lost quietly; but a customer can still wait too
 * long, so a delivery failing for longer than the alert threshold is logged as
 * an error on every further failed attempt (at least hourly, the longest
 * backoff) until it goes out, with what support needs to act on it.
 */
import { z } from 'zod';
import type { Logger } from '../../platform/logger';
import type { DeliveryWithNotification } from './domain';

export const DEFAULT_ALERT_AFTER_MS = 15 * 60_000;

const AlertConfig = z.object({
  NOTIFICATION_ALERT_AFTER_MS: z.coerce
    .number({ error: 'NOTIFICATION_ALERT_AFTER_MS must be a number of milliseconds, e.g. 900000 for 15 minutes' })
    .int('NOTIFICATION_ALERT_AFTER_MS must be a whole number of milliseconds')
    .min(1000, 'NOTIFICATION_ALERT_AFTER_MS must be at least 1000 (one second)')
    .default(DEFAULT_ALERT_AFTER_MS),
});

export function readAlertAfterMs(env: Record<string, string | undefined> = process.env): number {
  const parsed = AlertConfig.safeParse({ NOTIFICATION_ALERT_AFTER_MS: env.NOTIFICATION_ALERT_AFTER_MS || undefined });
  if (!parsed.success) throw new Error(`notifications: invalid configuration\n${parsed.error.issues.map((issue) => `  - ${issue.message}`).join('\n')}`);
  return parsed.data.NOTIFICATION_ALERT_AFTER_MS;
}

function duration(ms: number): string {
  return ms >= 60_000 ? `${Math.floor(ms / 60_000)} min` : `${Math.floor(ms / 1000)} s`;
}

export type DeliveryReporter = (delivery: DeliveryWithNotification, via: 'first attempt' | 'retry' | 'redrive') => void;

/** `delivery` must have its notification loaded (attemptDelivery returns it so). */
export function deliveryReporter(logger: Logger, alertAfterMs: number): DeliveryReporter {
  return (delivery, via) => {
    const { notification } = delivery;
    // Ids only: addresses and phone numbers stay out of the logs; support reads them at GET /deliveries/{id}.
    const context = {
      deliveryId: delivery.id,
      notificationId: notification.id,
      eventId: notification.eventId,
      customerId: notification.customerId,
      channel: delivery.channel,
      attempts: delivery.attempts,
      via,
    };
    if (delivery.status === 'sent') {
      if (delivery.attempts > 1) logger.info(context, `${delivery.channel} delivered after ${delivery.attempts} attempts`);
      return;
    }
    if (delivery.status !== 'failed') return;
    const failing = { ...context, lastError: delivery.lastError, failingSince: delivery.firstFailedAt, nextAttemptAt: delivery.nextAttemptAt };
    const failingForMs = delivery.firstFailedAt ? Date.now() - delivery.firstFailedAt.getTime() : 0;
    if (failingForMs < alertAfterMs) {
      logger.warn(failing, `${delivery.channel} delivery failed; retried at nextAttemptAt`);
      return;
    }
    logger.error(
      { ...failing, failingForMs, alertAfterMs },
      `${delivery.channel} delivery failing for ${duration(failingForMs)}, over the ${duration(alertAfterMs)} alert threshold: ` +
        `the customer has not been told. Retries go on; fix the ${delivery.channel === 'email' ? 'mail server (SMTP_URL)' : 'SMS provider'}, ` +
        `then re-drive with POST /deliveries/${delivery.id}/redrive`,
    );
  };
}
