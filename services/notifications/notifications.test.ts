import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import pino from 'pino';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createActivities, type ServiceClients } from '../../activities';
import { serviceUnderTest, type ServiceUnderTest } from '../../test/support/service';
import { expectToMatchSpec } from '../../test/support/openapi';
import { getFreePort } from '../../test/support/ports';
import { createTestDatabase } from '../../test/support/database';
import { startTestMailServer, type ReceivedMail, type TestMailServer } from '../../test/support/mail-server';
import { asAdmin, asCustomer, asService, asSupport, signTestToken, testTokenVerifier } from '../../test/support/auth';
import { migrateServiceDatabase, openServiceDatabase } from '../../platform/db';
import { createLogger } from '../../platform/logger';
import { startService, type RunningService } from '../../platform/service-main';
import type { components } from './api.gen';
import { createNotificationsApp, notificationsSpec } from './app';
import { channelsFromConfig, type DeliveryChannels } from './channels';
import { DELIVERY_LEASE_MS, FIRST_RETRY_DELAY_MS, MAX_RETRY_DELAY_MS, recordNotification, retryDueDeliveries, type Senders } from './domain';
import { DEFAULT_ALERT_AFTER_MS, deliveryReporter, readAlertAfterMs } from './alerts';
import { startDeliveryRetrier } from './jobs';
import { readMailConfig, type OutgoingEmail } from './mailer';
import { defineNotificationsService, notificationsService } from './main';
import type { OutgoingSms } from './sms';
import { formatMoney, renderTemplate } from './templates';
import { createNotificationsClient } from './client';
import { notificationsEntities } from './entities';
import { notificationsMigrations } from './migrations';

type SendNotificationRequest = components['schemas']['SendNotificationRequest'];
type Notification = components['schemas']['Notification'];
type SmsMessage = components['schemas']['SmsMessage'];
type DeliveryDetail = components['schemas']['DeliveryDetail'];
type RedriveResult = components['schemas']['RedriveResult'];

/**
 * The real ways out (nodemailer over SMTP into the mail server simulator, the
 * local SMS provider), with one addition: it refuses the next few messages to
 * an address on a channel when told to, as a busy mail server or SMS gateway would.
 */
class FaultInjector implements Senders {
  private readonly refusals = new Map<string, number>();
  private readonly holds = new Map<string, { entered: () => void; released: Promise<void> }>();
  constructor(private readonly real: Senders) {}

  refuseNext(channel: 'email' | 'sms', to: string, times = 1): void {
    this.refusals.set(`${channel}:${to}`, times);
  }

  /** The next message to `to` waits, as on a slow server, until `release`; `entered` resolves once it is waiting. */
  holdNext(channel: 'email' | 'sms', to: string): { entered: Promise<void>; release: () => void } {
    let release!: () => void;
    let entered!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const enteredPromise = new Promise<void>((resolve) => (entered = resolve));
    this.holds.set(`${channel}:${to}`, { entered, released });
    return { entered: enteredPromise, release };
  }

  private async check(channel: 'email' | 'sms', to: string): Promise<void> {
    const key = `${channel}:${to}`;
    const hold = this.holds.get(key);
    if (hold) {
      this.holds.delete(key);
      hold.entered();
      await hold.released;
    }
    const left = this.refusals.get(key) ?? 0;
    if (left > 0) {
      this.refusals.set(key, left - 1);
      throw new Error(channel === 'email' ? '421 4.3.2 Service not available, try again later' : 'SMS gateway busy (429)');
    }
  }

  readonly mailer = {
    send: async (email: OutgoingEmail) => {
      await this.check('email', email.to);
      return this.real.mailer.send(email);
    },
  };

  readonly sms = {
    send: async (sms: OutgoingSms) => {
      await this.check('sms', sms.to);
      return this.real.sms.send(sms);
    },
  };
}

let service: ServiceUnderTest;
let mailServer: TestMailServer;
let channels: DeliveryChannels;
let senders: FaultInjector;
const tokens: Record<'service' | 'admin' | 'support', string> = { service: '', admin: '', support: '' };
const quiet = createLogger('notifications');
const report = deliveryReporter(quiet, DEFAULT_ALERT_AFTER_MS);

beforeAll(async () => {
  mailServer = await startTestMailServer();
  service = await serviceUnderTest(
    defineNotificationsService((context) => {
      channels = channelsFromConfig(context);
      senders = new FaultInjector(channels);
      return { ...channels, mailer: senders.mailer, sms: senders.sms };
    }),
    { env: mailServer.env },
  );
  [tokens.service, tokens.admin, tokens.support] = await Promise.all([asService('orders'), asAdmin(), asSupport()]);
});
afterAll(async () => {
  await channels?.close();
  await service?.close();
  await mailServer?.stop();
});

const api = () => request(service.app);
const conforms = <T extends request.Response>(res: T): T => {
  expectToMatchSpec(notificationsSpec, res);
  return res;
};
const em = () => service.orm.em.fork() as EntityManager;

/** Each request goes to an address and phone of its own, so what arrived can be told apart per test. */
function confirmation(overrides: Partial<SendNotificationRequest> = {}): SendNotificationRequest {
  const checkoutId = randomUUID();
  return {
    eventId: `checkout-${checkoutId}:notify:order_confirmed`,
    customerId: 'customer-1',
    template: 'order_confirmed',
    data: { orderId: randomUUID(), total: 4499, currency: 'USD' },
    email: `ada+${checkoutId}@example.com`,
    ...overrides,
  };
}

let phones = 0;
/** A phone number of its own per call, per test run. */
const newPhone = () => `+4420${String(Date.now() % 1_000_000).padStart(6, '0')}${String(phones++ % 1000).padStart(3, '0')}`;

const send = (body: unknown, key: string = randomUUID(), auth = tokens.service) =>
  api().post('/notifications').set('Idempotency-Key', key).set('authorization', auth).send(body as object);

/** What the mail server received for `email`, newest first. */
const mailTo = (email: string): Promise<ReceivedMail[]> => mailServer.mailTo(email);

async function smsTo(phone: string): Promise<SmsMessage[]> {
  const res = conforms(await api().get('/mailbox/sms').query({ to: phone, limit: '100' }).set('authorization', tokens.support).expect(200));
  return res.body.items as SmsMessage[];
}

async function getAsAdmin(id: string): Promise<Notification> {
  return conforms(await api().get(`/notifications/${id}`).set('authorization', tokens.admin).expect(200)).body as Notification;
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const delivery = (notification: Notification, channel: 'email' | 'sms') => notification.deliveries.find((d) => d.channel === channel);

async function getDeliveryAsSupport(id: string): Promise<DeliveryDetail> {
  return conforms(await api().get(`/deliveries/${id}`).set('authorization', tokens.support).expect(200)).body as DeliveryDetail;
}

/** As if `ms` had passed for one delivery: every time it keeps moves back by that much. */
async function passTime(deliveryId: string, ms: number): Promise<void> {
  await em().execute(
    `update notification_deliveries set
       created_at = created_at - ? * interval '1 millisecond',
       last_attempt_at = last_attempt_at - ? * interval '1 millisecond',
       first_failed_at = first_failed_at - ? * interval '1 millisecond',
       next_attempt_at = next_attempt_at - ? * interval '1 millisecond'
     where id = ?`,
    [ms, ms, ms, ms, deliveryId],
  );
}

/** A real pino logger that keeps what it writes, to check what operators would see. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

describe('sending', () => {
  it('renders the template and delivers it over SMTP to the mail server', async () => {
    const body = confirmation({ data: { orderId: 'order-42', total: 4499, currency: 'USD', customerName: 'Ada <Countess> & co' } });
    const res = conforms(await send(body).expect(201));
    const notification = res.body as Notification;
    expect(notification).toMatchObject({
      eventId: body.eventId,
      customerId: 'customer-1',
      email: body.email,
      template: 'order_confirmed',
      subject: 'Your order order-42 is confirmed',
      status: 'sent',
      deliveries: [{ channel: 'email', to: body.email, status: 'sent', attempts: 1 }],
    });
    expect(notification.body).toContain('Hi Ada <Countess> & co,');
    expect(notification.body).toContain('Total: $44.99');
    expect(notification.sentAt).toBeDefined();
    // No phone on file: e-mail only.
    expect(notification.phone).toBeUndefined();
    expect(notification.smsText).toBeUndefined();
    expect(notification.deliveries).toHaveLength(1);

    const received = await mailTo(body.email);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      to: body.email,
      from: '"Temporal Shop" <orders@shop.example>',
      subject: notification.subject,
      messageId: `<${notification.id}@shop.example>`,
    });
    // What arrived is what was rendered, after a trip through SMTP and a MIME parser.
    expect(received[0]?.text.trim()).toBe(notification.body.trim());
    expect(received[0]?.html).toContain('Hi Ada &#60;Countess&#62; &#38; co,');
    expect(received[0]?.html).not.toContain('<Countess>');

    const allSms = conforms(await api().get('/mailbox/sms').query({ limit: '100' }).set('authorization', tokens.support).expect(200));
    expect(allSms.body.items.map((sms: SmsMessage) => sms.reference)).not.toContain(notification.id);

    expect(await getAsAdmin(notification.id)).toEqual(notification);
  });

  it('sends by e-mail and SMS when the customer has a phone number, each once', async () => {
    const phone = newPhone();
    const body = confirmation({ phone, data: { orderId: 'order-43', total: 1250, currency: 'EUR' } });
    const notification = conforms(await send(body).expect(201)).body as Notification;
    expect(notification).toMatchObject({ phone, status: 'sent' });
    expect(notification.deliveries).toEqual([
      expect.objectContaining({ channel: 'email', to: body.email, status: 'sent', attempts: 1 }),
      expect.objectContaining({ channel: 'sms', to: phone, status: 'sent', attempts: 1 }),
    ]);
    expect(notification.smsText).toBe('Temporal Shop: order order-43 is confirmed, total €12.50. Thank you!');

    const sms = await smsTo(phone);
    expect(sms).toHaveLength(1);
    expect(sms[0]).toMatchObject({ to: phone, text: notification.smsText, reference: notification.id });
    expect(await mailTo(body.email)).toHaveLength(1);
  });

  it('renders a failed checkout by its reason, in the e-mail and the SMS', async () => {
    const phone = newPhone();
    const body = confirmation({ phone, template: 'checkout_failed', data: { reason: 'PaymentDeclined', message: 'card declined: do_not_honor' } });
    const res = conforms(await send(body).expect(201));
    expect(res.body).toMatchObject({ subject: 'We could not complete your order', status: 'sent' });
    expect(res.body.body).toContain('the payment was declined');
    expect(res.body.body).not.toContain('do_not_honor');
    const [sms] = await smsTo(phone);
    expect(sms?.text).toContain('the payment was declined');
    expect(sms?.text).not.toContain('do_not_honor');
  });

  it('replays a repeat with the same key without sending again on any channel', async () => {
    const body = confirmation({ phone: newPhone() });
    const key = `notify-${randomUUID()}`;
    const first = conforms(await send(body, key).expect(201));
    const replay = conforms(await send(body, key).expect(201));
    expect(replay.headers['idempotent-replayed']).toBe('true');
    // The stored response is the one the first caller got: after the delivery, not before it.
    expect(replay.body).toEqual(first.body);
    expect(replay.body.status).toBe('sent');
    expect(await mailTo(body.email)).toHaveLength(1);
    expect(await smsTo(body.phone!)).toHaveLength(1);
  });

  it('replays a repeat that arrives during the first attempts with the notification as stored: pending, each channel claimed once', async () => {
    const body = confirmation({ phone: newPhone() });
    const key = `notify-${randomUUID()}`;
    const held = [senders.holdNext('email', body.email), senders.holdNext('sms', body.phone!)];
    const first = send(body, key).then((res) => res);
    await Promise.all(held.map((hold) => hold.entered));
    let notificationId: string | undefined;
    try {
      const replay = conforms(await send(body, key).expect(201));
      notificationId = replay.body.id;
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toMatchObject({
        status: 'pending',
        deliveries: [
          { channel: 'email', status: 'pending', attempts: 1 },
          { channel: 'sms', status: 'pending', attempts: 1 },
        ],
      });
      // The response stored at commit is built from what the request inserted; the database must hold the same.
      expect(replay.body).toEqual(await getAsAdmin(replay.body.id));
    } finally {
      for (const hold of held) hold.release();
    }
    expect(conforms(await first).body).toMatchObject({ id: notificationId, status: 'sent' });
    expect(await mailTo(body.email)).toHaveLength(1);
  });

  it('answers another request for the same event with the existing notification, without sending again', async () => {
    const body = confirmation({ phone: newPhone() });
    const first = conforms(await send(body).expect(201));
    const again = conforms(await send(body).expect(200));
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(again.body).toEqual(first.body);
    expect(await mailTo(body.email)).toHaveLength(1);
    expect(await smsTo(body.phone!)).toHaveLength(1);
  });

  it.each<[string, (body: SendNotificationRequest) => SendNotificationRequest]>([
    ['other data', (body) => ({ ...body, data: { ...body.data, total: 1 } })],
    ['another address', (body) => ({ ...body, email: `other+${randomUUID()}@example.com` })],
    ['a phone added', (body) => ({ ...body, phone: newPhone() })],
  ])('refuses the same event with %s', async (_case, change) => {
    const body = confirmation();
    const first = conforms(await send(body).expect(201));
    const res = conforms(await send(change(body)).expect(409));
    expect(res.body).toMatchObject({ type: 'notification-mismatch', notificationId: first.body.id });
    expect(await mailTo(body.email)).toHaveLength(1);
  });

  it('sends once per channel when the same request arrives many times at once with one key', async () => {
    const body = confirmation({ phone: newPhone() });
    const key = `notify-${randomUUID()}`;
    const responses = await Promise.all(Array.from({ length: 8 }, () => send(body, key)));
    responses.forEach(conforms);
    expect(responses.map((res) => res.status)).toEqual(Array(8).fill(201));
    expect(new Set(responses.map((res) => res.body.id)).size).toBe(1);
    expect(await mailTo(body.email)).toHaveLength(1);
    expect(await smsTo(body.phone!)).toHaveLength(1);
  });

  it('sends once per channel when the same event arrives many times at once with different keys', async () => {
    const body = confirmation({ phone: newPhone() });
    const responses = await Promise.all(Array.from({ length: 8 }, () => send(body)));
    responses.forEach(conforms);
    expect(responses.map((res) => res.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(responses.map((res) => res.body.id)).size).toBe(1);
    expect(await mailTo(body.email)).toHaveLength(1);
    expect(await smsTo(body.phone!)).toHaveLength(1);
  });
});

describe('templates', () => {
  it('shows amounts in each currency\'s own minor units, whatever was formatted before', () => {
    // One formatter is kept per currency: a yen amount after a dollar one must not take its two decimals.
    expect(formatMoney(4499, 'USD')).toBe('$44.99');
    expect(formatMoney(4499, 'JPY')).toBe('¥4,499');
    expect(formatMoney(4499, 'BHD')).toBe('BHD\u00a04.499');
    expect(formatMoney(4499, 'USD')).toBe('$44.99');
    expect(renderTemplate('order_confirmed', { orderId: 'o-1', total: 1250, currency: 'JPY' }).sms).toContain('total ¥1,250.');
  });

  it.each<[SendNotificationRequest['template'], SendNotificationRequest['data'], string, string[], string]>([
    [
      'order_shipped',
      { orderId: 'order-7', carrier: 'DHL', trackingNumber: 'JD0146', customerName: 'Ada' },
      'Your order order-7 has shipped',
      ['Hi Ada,', 'your order order-7 is on its way', 'Tracking: DHL JD0146'],
      'Temporal Shop: order order-7 has shipped (tracking: DHL JD0146).',
    ],
    [
      'order_delivered',
      { orderId: 'order-8', note: 'Left with the neighbour at no. 14' },
      'Your order order-8 was delivered',
      ['Hello,', 'Your order order-8 has been delivered.', 'Left with the neighbour at no. 14'],
      'Temporal Shop: order order-8 has been delivered. Enjoy!',
    ],
    [
      'order_cancelled',
      { orderId: 'order-9', reason: 'Requested by the customer' },
      'Your order order-9 was cancelled',
      ['Your order order-9 has been cancelled.', 'Reason: Requested by the customer', 'refunded in full'],
      'Temporal Shop: order order-9 was cancelled. Any payment will be refunded.',
    ],
  ])('%s renders its data into the e-mail and the SMS', async (template, data, subject, inText, sms) => {
    const phone = newPhone();
    const body = confirmation({ template, data, phone, eventId: `order-${randomUUID()}:${template}` });
    const notification = conforms(await send(body).expect(201)).body as Notification;
    expect(notification).toMatchObject({ template, subject, smsText: sms, status: 'sent' });
    for (const text of inText) expect(notification.body).toContain(text);
    expect(sms.length).toBeLessThan(160);

    const [mail] = await mailTo(body.email);
    expect(mail?.subject).toBe(subject);
    for (const text of inText) expect(mail?.text).toContain(text);
    expect((await smsTo(phone)).map((message) => message.text)).toEqual([sms]);
  });

  it('keeps SMS for long order ids within one message', () => {
    const orderId = randomUUID();
    for (const [template, data] of [
      ['order_confirmed', { orderId, total: 123456789, currency: 'USD' }],
      ['checkout_failed', { reason: 'InsufficientFunds', message: 'x' }],
      ['order_shipped', { orderId }],
      ['order_delivered', { orderId }],
      ['order_cancelled', { orderId }],
    ] as const) {
      expect(renderTemplate(template, data).sms.length).toBeLessThanOrEqual(160);
    }
  });

  it.each(['order_shipped', 'order_delivered', 'order_cancelled'] as const)('%s refuses data without an order id, naming the field', async (template) => {
    const body = confirmation({ template, data: { note: 'x' } });
    const res = conforms(await send(body).expect(422));
    expect(res.body).toMatchObject({ type: 'invalid-template-data', errors: [{ field: 'body.data.orderId' }] });
    expect(await mailTo(body.email)).toHaveLength(0);
  });

  it('refuses a bad optional value, naming it', async () => {
    const res = conforms(await send(confirmation({ template: 'order_shipped', data: { orderId: 'o-1', trackingNumber: 42 } })).expect(422));
    expect(res.body.errors.map((error: { field: string }) => error.field)).toEqual(['body.data.trackingNumber']);
  });
});

describe('delivery failures', () => {
  it('delivers each channel on its own: an SMS refusal neither holds back nor repeats the e-mail', async () => {
    const body = confirmation({ phone: newPhone() });
    senders.refuseNext('sms', body.phone!);
    const res = conforms(await send(body).expect(201));
    expect(res.body.status).toBe('failed');
    expect(delivery(res.body, 'email')).toMatchObject({ status: 'sent', attempts: 1 });
    expect(delivery(res.body, 'sms')).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringContaining('429') });
    expect(res.body.sentAt).toBeUndefined();
    expect(await mailTo(body.email)).toHaveLength(1);
    expect(await smsTo(body.phone!)).toHaveLength(0);

    // The job waits out the backoff; bring the retry forward instead of waiting 30 seconds.
    await em().execute('update notification_deliveries set next_attempt_at = now() where notification_id = ? and status <> ?', [res.body.id, 'sent']);
    const job = startDeliveryRetrier(service.orm, senders, quiet, report, 20);
    try {
      const sent = await waitFor(async () => {
        const current = await getAsAdmin(res.body.id);
        return current.status === 'sent' ? current : undefined;
      });
      expect(delivery(sent, 'sms')).toMatchObject({ status: 'sent', attempts: 2 });
      expect(delivery(sent, 'sms')?.lastError).toBeUndefined();
      expect(delivery(sent, 'email')).toMatchObject({ status: 'sent', attempts: 1 });
      expect(sent.sentAt).toBeDefined();
    } finally {
      await job.stop();
    }
    expect(await mailTo(body.email)).toHaveLength(1);
    expect(await smsTo(body.phone!)).toHaveLength(1);
  });

  it('retries only the e-mail when the mail server refused it and the SMS went out', async () => {
    const body = confirmation({ phone: newPhone() });
    senders.refuseNext('email', body.email);
    const res = conforms(await send(body).expect(201));
    expect(delivery(res.body, 'email')).toMatchObject({ status: 'failed', lastError: expect.stringContaining('421') });
    expect(delivery(res.body, 'sms')).toMatchObject({ status: 'sent' });

    await em().execute('update notification_deliveries set next_attempt_at = now() where notification_id = ?', [res.body.id]);
    const retried = await retryDueDeliveries(em(), senders);
    const mine = retried.filter((d) => d.notification.id === res.body.id);
    expect(mine.map((d) => [d.channel, d.status])).toEqual([['email', 'sent']]);
    expect(await mailTo(body.email)).toHaveLength(1);
    expect(await smsTo(body.phone!)).toHaveLength(1);
  });

  it('does not retry before the backoff has passed', async () => {
    const body = confirmation();
    senders.refuseNext('email', body.email);
    const res = conforms(await send(body).expect(201));
    expect(res.body.status).toBe('failed');
    const retried = await retryDueDeliveries(em(), senders);
    expect(retried.map((d) => d.notification.id)).not.toContain(res.body.id);
  });

  it('keeps retrying through a long SMTP outage, long past the old five attempts, pausing at most an hour, and alerts loudly', async () => {
    const body = confirmation({ phone: newPhone() });
    const outageAttempts = 14;
    senders.refuseNext('email', body.email, outageAttempts);
    const res = conforms(await send(body).expect(201));
    const emailId = delivery(res.body, 'email')!.id;
    const logged = capturingLogger();
    const job = startDeliveryRetrier(service.orm, senders, logged.logger, deliveryReporter(logged.logger, DEFAULT_ALERT_AFTER_MS), 10);
    const pauses: number[] = [];
    try {
      for (let attempts = 1; attempts <= outageAttempts; attempts++) {
        const failed = await getDeliveryAsSupport(emailId);
        expect(failed).toMatchObject({ status: 'failed', attempts, lastError: expect.stringContaining('421'), failingSince: expect.any(String) });
        const pause = Date.parse(failed.nextAttemptAt!) - Date.parse(failed.lastAttemptAt!);
        pauses.push(pause);
        // The outage goes on: move the delivery's clock forward past the pause instead of waiting it out.
        await passTime(emailId, pause);
        await waitFor(async () => {
          const current = await getDeliveryAsSupport(emailId);
          return current.attempts > attempts && current.status !== 'pending' ? current : undefined;
        }, 30_000);
      }
    } finally {
      await job.stop();
    }
    const sent = await getDeliveryAsSupport(emailId);
    expect(sent).toMatchObject({ status: 'sent', attempts: outageAttempts + 1 });
    expect(sent.nextAttemptAt).toBeUndefined();
    expect(sent.failingSince).toBeUndefined();
    expect(await mailTo(body.email)).toHaveLength(1);
    expect(await smsTo(body.phone!)).toHaveLength(1);

    // 30 s, doubling, then an hour each time: the database's clock rounds to the microsecond.
    const expected = pauses.map((_, i) => Math.min(FIRST_RETRY_DELAY_MS * 2 ** i, MAX_RETRY_DELAY_MS));
    pauses.forEach((pause, i) => expect(Math.abs(pause - expected[i]!)).toBeLessThan(5));
    expect(pauses.slice(-5).every((pause) => Math.abs(pause - MAX_RETRY_DELAY_MS) < 5)).toBe(true);

    // Warned while young; an error with what support needs once it has failed for over 15 minutes; never the address.
    const mine = logged.lines.filter((line) => line.deliveryId === emailId);
    const warnings = mine.filter((line) => line.level === 40);
    const errors = mine.filter((line) => line.level === 50);
    expect(warnings.length).toBeGreaterThan(0);
    expect(errors.length).toBeGreaterThan(0);
    expect(warnings.every((line) => Number(line.attempts) < errors.map((e) => Number(e.attempts)).reduce((a, b) => Math.min(a, b)))).toBe(true);
    expect(errors[0]).toMatchObject({
      eventId: body.eventId,
      notificationId: res.body.id,
      channel: 'email',
      lastError: expect.stringContaining('421'),
      msg: expect.stringContaining(`POST /deliveries/${emailId}/redrive`),
    });
    expect(Number(errors[0]!.failingForMs)).toBeGreaterThanOrEqual(DEFAULT_ALERT_AFTER_MS);
    expect(JSON.stringify(mine)).not.toContain(body.email);
    expect(mine.at(-1)).toMatchObject({ level: 30, msg: `email delivered after ${outageAttempts + 1} attempts` });
  });

  it('picks up both channels of a notification whose first attempts never ran, once their lease is over', async () => {
    // As if the service stopped right after committing, before its first attempts.
    const body = confirmation({ phone: newPhone() });
    const { notification } = await em().transactional((tx) => recordNotification(tx as EntityManager, body, renderTemplate(body.template, body.data)));
    expect((await retryDueDeliveries(em(), senders)).map((d) => d.notification.id)).not.toContain(notification.id);
    expect((await getAsAdmin(notification.id)).status).toBe('pending');

    await em().execute("update notification_deliveries set next_attempt_at = now() - interval '1 second' where notification_id = ?", [notification.id]);
    const retried = (await retryDueDeliveries(em(), senders)).filter((d) => d.notification.id === notification.id);
    expect(retried.map((d) => [d.channel, d.status, d.attempts]).sort()).toEqual([
      ['email', 'sent', 2],
      ['sms', 'sent', 2],
    ]);
    expect(await mailTo(body.email)).toHaveLength(1);
    expect(await smsTo(body.phone!)).toHaveLength(1);
  });
});

describe('support: failing deliveries', () => {
  const redrive = (id: string, auth = tokens.support, key?: string) => {
    const req = api().post(`/deliveries/${id}/redrive`).set('authorization', auth);
    return key ? req.set('Idempotency-Key', key) : req;
  };
  const listAsSupport = async (query: Record<string, string>) =>
    conforms(await api().get('/deliveries').query(query).set('authorization', tokens.support).expect(200)).body as components['schemas']['DeliveryPage'];

  /** A notification whose e-mail (and SMS, when `sms`) failed its first attempt. */
  async function failing(customerId: string, { sms = false } = {}): Promise<Notification> {
    const body = confirmation({ customerId, ...(sms ? { phone: newPhone() } : {}) });
    senders.refuseNext('email', body.email, 1);
    if (sms) senders.refuseNext('sms', body.phone!, 1);
    return conforms(await send(body).expect(201)).body as Notification;
  }

  it('lists failing deliveries, the longest failing first, filtered and paged, with what support needs', async () => {
    const customerId = `customer-${randomUUID()}`;
    const recent = await failing(customerId, { sms: true });
    const older = await failing(customerId);
    const sent = conforms(await send(confirmation({ customerId })).expect(201)).body as Notification;
    const olderEmail = delivery(older, 'email')!.id;
    await passTime(olderEmail, 2 * 60 * 60_000);

    const all = await listAsSupport({ customerId });
    expect(all.total).toBe(4);
    expect(all.items[0]!.id).toBe(olderEmail);
    expect(all.items.slice(1, 3).map((d) => d.id).sort()).toEqual([delivery(recent, 'email')!.id, delivery(recent, 'sms')!.id].sort());
    const failingSince = all.items.slice(0, 3).map((d) => Date.parse(d.failingSince!));
    expect([...failingSince].sort((a, b) => a - b)).toEqual(failingSince);
    expect(all.items[3]).toMatchObject({ id: delivery(sent, 'email')!.id, status: 'sent' });
    expect(all.items[3]!.failingSince).toBeUndefined();
    expect(all.items[0]).toMatchObject({
      notificationId: older.id,
      eventId: older.eventId,
      customerId,
      template: 'order_confirmed',
      channel: 'email',
      to: older.email,
      status: 'failed',
      attempts: 1,
      lastError: expect.stringContaining('421'),
    });
    expect(Date.parse(all.items[0]!.nextAttemptAt!)).toBeGreaterThan(Date.parse(all.items[0]!.lastAttemptAt!));
    expect(Date.now() - Date.parse(all.items[0]!.failingSince!)).toBeGreaterThan(2 * 60 * 60_000 - 60_000);

    expect((await listAsSupport({ customerId, status: 'failed' })).total).toBe(3);
    expect((await listAsSupport({ customerId, status: 'sent' })).items.map((d) => d.id)).toEqual([delivery(sent, 'email')!.id]);
    expect((await listAsSupport({ customerId, channel: 'sms' })).items.map((d) => d.id)).toEqual([delivery(recent, 'sms')!.id]);
    expect((await listAsSupport({ customerId, failingForSeconds: '3600' })).items.map((d) => d.id)).toEqual([olderEmail]);
    const page = await listAsSupport({ customerId, status: 'failed', limit: '1', offset: '1' });
    expect(page).toMatchObject({ total: 3, limit: 1, offset: 1 });
    expect(page.items).toHaveLength(1);
    expect(page.items[0]!.id).not.toBe(olderEmail);
  });

  it('re-drives a failing delivery at once when the cause is fixed; a repeat sends nothing more', async () => {
    const notification = await failing(`customer-${randomUUID()}`);
    const id = delivery(notification, 'email')!.id;
    const first = conforms(await redrive(id).expect(200)).body as RedriveResult;
    expect(first).toMatchObject({ outcome: 'sent', delivery: { id, status: 'sent', attempts: 2 } });
    expect(first.delivery.lastError).toBeUndefined();
    expect(first.delivery.nextAttemptAt).toBeUndefined();
    const again = conforms(await redrive(id, tokens.admin).expect(200)).body as RedriveResult;
    expect(again).toMatchObject({ outcome: 'already-sent', delivery: { id, status: 'sent', attempts: 2 } });
    expect(await mailTo(notification.email)).toHaveLength(1);
    expect(delivery(await getAsAdmin(notification.id), 'email')).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('re-drives one that still fails: the new error and the next retry show, and the retries go on', async () => {
    const notification = await failing(`customer-${randomUUID()}`);
    const id = delivery(notification, 'email')!.id;
    senders.refuseNext('email', notification.email, 1);
    const res = conforms(await redrive(id).expect(200)).body as RedriveResult;
    expect(res).toMatchObject({ outcome: 'failed', delivery: { status: 'failed', attempts: 2, lastError: expect.stringContaining('421') } });
    // The second failure: the pause doubled.
    expect(Date.parse(res.delivery.nextAttemptAt!) - Date.parse(res.delivery.lastAttemptAt!)).toBe(2 * FIRST_RETRY_DELAY_MS);
    expect(res.delivery.failingSince).toBe(delivery(notification, 'email')!.failingSince);
    expect(await mailTo(notification.email)).toHaveLength(0);
  });

  it('never starts a second attempt while one is under way, from the job or another re-drive, and sends once', async () => {
    const notification = await failing(`customer-${randomUUID()}`);
    const id = delivery(notification, 'email')!.id;
    await em().execute('update notification_deliveries set next_attempt_at = now() where id = ?', [id]);
    const held = senders.holdNext('email', notification.email);
    const first = redrive(id)
      .expect(200)
      .then((res) => res);
    try {
      await held.entered;
      // While the mail server takes its time: everyone else keeps off.
      const during = conforms(await redrive(id, tokens.admin)).body as RedriveResult;
      expect(during).toMatchObject({ outcome: 'in-progress', delivery: { status: 'pending', attempts: 2 } });
      expect(Date.parse(during.delivery.nextAttemptAt!)).toBeGreaterThan(Date.now() + DELIVERY_LEASE_MS / 2);
      expect((await retryDueDeliveries(em(), senders)).map((d) => d.id)).not.toContain(id);
    } finally {
      held.release();
    }
    const done = conforms(await first).body as RedriveResult;
    expect(done).toMatchObject({ outcome: 'sent', delivery: { status: 'sent', attempts: 2 } });
    expect(await mailTo(notification.email)).toHaveLength(1);
  });

  it('sends once when many re-drives and the retry job race for one delivery', async () => {
    const notification = await failing(`customer-${randomUUID()}`);
    const id = delivery(notification, 'email')!.id;
    await em().execute('update notification_deliveries set next_attempt_at = now() where id = ?', [id]);
    const [redrives] = await Promise.all([Promise.all(Array.from({ length: 6 }, () => redrive(id))), retryDueDeliveries(em(), senders)]);
    redrives.forEach(conforms);
    for (const res of redrives) expect(['sent', 'already-sent', 'in-progress']).toContain(res.body.outcome);
    expect(await mailTo(notification.email)).toHaveLength(1);
    // One claim won: the attempt that failed, and the one that sent it.
    expect(await getDeliveryAsSupport(id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('answers a repeat with the same Idempotency-Key with the stored answer, without another attempt', async () => {
    const notification = await failing(`customer-${randomUUID()}`);
    const id = delivery(notification, 'email')!.id;
    senders.refuseNext('email', notification.email, 1);
    const key = randomUUID();
    const first = conforms(await redrive(id, tokens.support, key).expect(200));
    const replay = conforms(await redrive(id, tokens.support, key).expect(200));
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(await getDeliveryAsSupport(id)).toMatchObject({ status: 'failed', attempts: 2 });
  });

  it('keeps deliveries to support and admins, and answers bad or unknown ids', async () => {
    const notification = await failing(`customer-${randomUUID()}`);
    const id = delivery(notification, 'email')!.id;
    for (const auth of [await asCustomer(notification.customerId), tokens.service]) {
      conforms(await api().get('/deliveries').set('authorization', auth).expect(403));
      conforms(await api().get(`/deliveries/${id}`).set('authorization', auth).expect(403));
      conforms(await redrive(id, auth).expect(403));
    }
    conforms(await api().get('/deliveries').expect(401));
    conforms(await api().post(`/deliveries/${id}/redrive`).expect(401));
    expect((await getDeliveryAsSupport(id)).attempts).toBe(1);

    const missing = conforms(await redrive(randomUUID()).expect(404));
    expect(missing.body.type).toBe('not-found');
    conforms(await api().get(`/deliveries/${randomUUID()}`).set('authorization', tokens.admin).expect(404));
    const bad = conforms(await redrive('not-a-uuid').expect(400));
    expect(bad.body.errors[0].field).toBe('params.deliveryId');
    const badQuery = conforms(
      await api()
        .get('/deliveries')
        .query({ status: 'lost', channel: 'fax', failingForSeconds: '-1', limit: '0' })
        .set('authorization', tokens.support)
        .expect(400),
    );
    expect(badQuery.body.errors.map((error: { field: string }) => error.field).sort()).toEqual([
      'query.channel',
      'query.failingForSeconds',
      'query.limit',
      'query.status',
    ]);
  });
});

describe('mail transport configuration', () => {
  it('records a failure when the SMTP server cannot be reached', async () => {
    const port = await getFreePort();
    const unreachable = channelsFromConfig({ ...service.context, env: { SMTP_URL: `smtp://127.0.0.1:${port}` } });
    const app = createNotificationsApp(service.context, unreachable);
    const res = conforms(
      await request(app).post('/notifications').set('Idempotency-Key', randomUUID()).set('authorization', tokens.service).send(confirmation()).expect(201),
    );
    expect(res.body.deliveries).toEqual([expect.objectContaining({ status: 'failed', attempts: 1, lastError: expect.stringMatching(/ECONNREFUSED|connect/i) })]);
    await unreachable.close();
  });

  it('refuses mail configuration it cannot use, saying what is wrong', () => {
    expect(() => readMailConfig({ SMTP_URL: 'http://mail.example' })).toThrow(/SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/);
    expect(() => readMailConfig({ MAIL_FROM: 'nobody' })).toThrow(/MAIL_FROM must contain an e-mail address/);
    expect(() => readMailConfig({ MAIL_SERVER_SMTP_PORT: 'twenty-five' })).toThrow(/SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/);
    // Without SMTP_URL: the mail server simulator on loopback, where `npm start` runs it.
    expect(readMailConfig({})).toEqual({ smtpUrl: 'smtp://127.0.0.1:2525', from: 'Temporal Shop <orders@shop.example>' });
    expect(readMailConfig({ MAIL_SERVER_SMTP_PORT: '2626' }).smtpUrl).toBe('smtp://127.0.0.1:2626');
    expect(() => readMailConfig({ NODE_ENV: 'production' })).toThrow(/set SMTP_URL .*NODE_ENV=production has no default/);
    expect(readMailConfig({ NODE_ENV: 'production', SMTP_URL: 'smtp://mail-server:2525' }).smtpUrl).toBe('smtp://mail-server:2525');
    expect(readMailConfig({ SMTP_URL: 'smtps://user:pass@mail.example:465', MAIL_SERVER_SMTP_PORT: '2626' }).smtpUrl).toBe('smtps://user:pass@mail.example:465');
  });

  it('takes the alert threshold from NOTIFICATION_ALERT_AFTER_MS, refusing one it cannot use', () => {
    expect(readAlertAfterMs({})).toBe(15 * 60_000);
    expect(readAlertAfterMs({ NOTIFICATION_ALERT_AFTER_MS: '3600000' })).toBe(3_600_000);
    expect(() => readAlertAfterMs({ NOTIFICATION_ALERT_AFTER_MS: 'soon' })).toThrow(/NOTIFICATION_ALERT_AFTER_MS must be a number of milliseconds/);
    expect(() => readAlertAfterMs({ NOTIFICATION_ALERT_AFTER_MS: '10' })).toThrow(/at least 1000/);
  });
});

describe('two instances on one database', () => {
  let instances: RunningService[] = [];
  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop()));
  });

  it('both deliver through the same mail server; one event is still sent once per channel', async () => {
    const env = { NOTIFICATIONS_DATABASE_URL: service.databaseUrl, PORT: '0', HOST: '127.0.0.1', ...mailServer.env };
    instances = await Promise.all([0, 1].map(() => startService(notificationsService, env, { auth: testTokenVerifier })));
    const [a, b] = instances as [RunningService, RunningService];

    const post = (url: string, body: SendNotificationRequest) =>
      request(url).post('/notifications').set('Idempotency-Key', randomUUID()).set('authorization', tokens.service).send(body);
    const onA = confirmation({ phone: newPhone() });
    const onB = confirmation({ phone: newPhone() });
    const [sentA, sentB] = await Promise.all([post(a.url, onA), post(b.url, onB)]);
    for (const res of [sentA, sentB]) {
      conforms(res);
      expect(res.status).toBe(201);
      expect(res.body.status).toBe('sent');
    }
    expect(await mailTo(onA.email)).toHaveLength(1);
    expect(await mailTo(onB.email)).toHaveLength(1);
    expect(await smsTo(onA.phone!)).toHaveLength(1);

    // The same event at both instances at once: one notification, one message per channel.
    const shared = confirmation({ phone: newPhone() });
    const both = await Promise.all([post(a.url, shared), post(b.url, shared), post(a.url, shared), post(b.url, shared)]);
    both.forEach(conforms);
    expect(both.map((res) => res.status).sort()).toEqual([200, 200, 200, 201]);
    expect(new Set(both.map((res) => res.body.id)).size).toBe(1);
    expect(await mailTo(shared.email)).toHaveLength(1);
    expect(await smsTo(shared.phone!)).toHaveLength(1);
  });
});

describe('authorization', () => {
  it('answers every route without a token with 401', async () => {
    const id = randomUUID();
    for (const res of await Promise.all([
      api().get('/notifications'),
      api().get(`/notifications/${id}`),
      api().post('/notifications').set('Idempotency-Key', randomUUID()).send(confirmation()),
      api().get('/mailbox/sms'),
    ])) {
      conforms(res);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('refuses an invalid token with 401', async () => {
    const res = conforms(await api().get('/notifications').set('authorization', 'Bearer not.a.token').expect(401));
    expect(res.body.type).toBe('invalid-token');
  });

  it('lets only services and admins send', async () => {
    for (const auth of [await asCustomer('customer-1'), tokens.support]) {
      const body = confirmation();
      const res = conforms(await send(body, randomUUID(), auth).expect(403));
      expect(res.body.type).toBe('forbidden');
      expect(await mailTo(body.email)).toHaveLength(0);
    }
    conforms(await send(confirmation(), randomUUID(), tokens.admin).expect(201));
  });

  it('shows a customer their own notifications only', async () => {
    const customerId = `customer-${randomUUID()}`;
    const other = `customer-${randomUUID()}`;
    const mine = conforms(await send(confirmation({ customerId })).expect(201)).body as Notification;
    const theirs = conforms(await send(confirmation({ customerId: other })).expect(201)).body as Notification;
    const auth = await asCustomer(customerId);

    const own = conforms(await api().get('/notifications').set('authorization', auth).expect(200));
    expect(own.body.items.map((n: Notification) => n.id)).toEqual([mine.id]);
    const ownById = conforms(await api().get('/notifications').query({ customerId }).set('authorization', auth).expect(200));
    expect(ownById.body.items.map((n: Notification) => n.id)).toEqual([mine.id]);
    conforms(await api().get('/notifications').query({ customerId: other }).set('authorization', auth).expect(403));

    expect(conforms(await api().get(`/notifications/${mine.id}`).set('authorization', auth).expect(200)).body).toEqual(mine);
    const hidden = conforms(await api().get(`/notifications/${theirs.id}`).set('authorization', auth).expect(404));
    expect(hidden.body.type).toBe('not-found');
  });

  it('lets support, admins and services read anyone’s notifications', async () => {
    const customerId = `customer-${randomUUID()}`;
    const sent = conforms(await send(confirmation({ customerId })).expect(201)).body as Notification;
    for (const auth of [tokens.support, tokens.admin, tokens.service]) {
      const list = conforms(await api().get('/notifications').query({ customerId }).set('authorization', auth).expect(200));
      expect(list.body.items.map((n: Notification) => n.id)).toEqual([sent.id]);
      conforms(await api().get(`/notifications/${sent.id}`).set('authorization', auth).expect(200));
      const all = conforms(await api().get('/notifications').set('authorization', auth).expect(200));
      expect(all.body.total).toBeGreaterThan(1);
    }
  });

  it('keeps the SMS log to support, admins and services', async () => {
    const auth = await asCustomer('customer-1');
    conforms(await api().get('/mailbox/sms').set('authorization', auth).expect(403));
    for (const staff of [tokens.support, tokens.admin, tokens.service]) conforms(await api().get('/mailbox/sms').set('authorization', staff).expect(200));
  });
});

describe('listing', () => {
  it('lists a customer’s notifications newest first, page by page', async () => {
    const customerId = `customer-${randomUUID()}`;
    const first = conforms(await send(confirmation({ customerId })).expect(201));
    const second = conforms(
      await send(confirmation({ customerId, template: 'checkout_failed', data: { reason: 'OutOfStock', message: 'Not enough stock for MUG' } })).expect(201),
    );
    await send(confirmation({ customerId: `someone-else-${randomUUID()}` })).expect(201);

    const all = conforms(await api().get('/notifications').query({ customerId }).set('authorization', tokens.support).expect(200));
    expect(all.body).toMatchObject({ total: 2, limit: 50, offset: 0 });
    expect(all.body.items.map((n: Notification) => n.id)).toEqual([second.body.id, first.body.id]);

    const page = conforms(await api().get('/notifications').query({ customerId, limit: '1', offset: '1' }).set('authorization', tokens.support).expect(200));
    expect(page.body.items.map((n: Notification) => n.id)).toEqual([first.body.id]);
  });

  it('sends mail to the address as given and reads the SMS log newest first, page by page', async () => {
    const email = `Grace+${randomUUID()}@Example.com`;
    const phone = newPhone();
    const first = conforms(await send(confirmation({ email, phone })).expect(201)).body as Notification;
    const second = conforms(await send(confirmation({ email, phone, template: 'order_delivered', data: { orderId: 'o-2' } })).expect(201)).body as Notification;

    const mail = await mailTo(email);
    expect(mail.map((m) => m.subject)).toEqual([second.subject, first.subject]);
    expect(mail.map((m) => m.to)).toEqual([email.toLowerCase(), email.toLowerCase()]);

    expect((await smsTo(phone)).map((sms) => sms.reference)).toEqual([second.id, first.id]);
    const smsPage = conforms(await api().get('/mailbox/sms').query({ to: phone, limit: '1' }).set('authorization', tokens.support).expect(200));
    expect(smsPage.body).toMatchObject({ total: 2, limit: 1, offset: 0 });
  });

  it('answers an unknown notification with a 404 problem and bad ids or queries with a 400', async () => {
    const missing = conforms(await api().get(`/notifications/${randomUUID()}`).set('authorization', tokens.admin).expect(404));
    expect(missing.body.type).toBe('not-found');
    const bad = conforms(await api().get('/notifications/not-a-uuid').set('authorization', tokens.admin).expect(400));
    expect(bad.body.errors[0].field).toBe('params.notificationId');
    const badQuery = conforms(await api().get('/notifications').query({ customerId: 'bad id', limit: '101' }).set('authorization', tokens.admin).expect(400));
    expect(badQuery.body.errors.map((error: { field: string }) => error.field)).toEqual(['query.customerId', 'query.limit']);
    const badSms = conforms(await api().get('/mailbox/sms').query({ to: '0123', extra: '1' }).set('authorization', tokens.support).expect(400));
    expect(badSms.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(['query.extra', 'query.to']);
  });
});

describe('bad input', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ['a missing order id', { total: 4499, currency: 'USD' }, ['body.data.orderId']],
    ['a fractional total', { orderId: 'o-1', total: 44.99, currency: 'USD' }, ['body.data.total']],
    ['a total given as text', { orderId: 'o-1', total: '4499', currency: 'USD' }, ['body.data.total']],
    ['an unknown currency', { orderId: 'o-1', total: 4499, currency: 'EURO' }, ['body.data.currency']],
    ['nothing at all', {}, ['body.data.orderId', 'body.data.total', 'body.data.currency']],
  ])('refuses template data with %s, naming each field, and sends nothing', async (_case, data, fields) => {
    const body = confirmation({ data: data as SendNotificationRequest['data'] });
    const res = conforms(await send(body).expect(422));
    expect(res.body.type).toBe('invalid-template-data');
    expect(res.body.errors.map((error: { field: string }) => error.field)).toEqual(fields);
    expect(await mailTo(body.email)).toHaveLength(0);
    const listed = conforms(await api().get('/notifications').query({ customerId: body.customerId, limit: '100' }).set('authorization', tokens.admin).expect(200));
    expect(listed.body.items.map((n: Notification) => n.eventId)).not.toContain(body.eventId);
  });

  it.each([
    ['reason', { message: 'declined' }],
    ['message', { reason: 'PaymentDeclined' }],
  ])('requires the %s of a failed checkout', async (field, data) => {
    const body = confirmation({ template: 'checkout_failed', data });
    const res = conforms(await send(body).expect(422));
    expect(res.body).toMatchObject({ type: 'invalid-template-data', errors: [{ field: `body.data.${field}` }] });
    expect(await mailTo(body.email)).toHaveLength(0);
  });

  type Mutation = (body: Record<string, any>) => void; // eslint-disable-line @typescript-eslint/no-explicit-any
  it.each<[string, Mutation, string]>([
    ['a missing event id', (b) => delete b.eventId, 'body.eventId'],
    ['a bad event id', (b) => (b.eventId = 'has spaces'), 'body.eventId'],
    ['an event id with a slash', (b) => (b.eventId = 'checkout/1'), 'body.eventId'],
    ['a too long event id', (b) => (b.eventId = 'e'.repeat(201)), 'body.eventId'],
    ['a missing e-mail address', (b) => delete b.email, 'body.email'],
    ['a bad e-mail address', (b) => (b.email = 'ada-at-example.com'), 'body.email'],
    ['a phone number that is not E.164', (b) => (b.phone = '020 7946 0000'), 'body.phone'],
    ['a too long phone number', (b) => (b.phone = '+1234567890123456'), 'body.phone'],
    ['the old channel field', (b) => (b.channel = 'email'), 'body.channel'],
    ['an unknown template', (b) => (b.template = 'welcome'), 'body.template'],
    ['data that is not an object', (b) => (b.data = 'orderId=1'), 'body.data'],
    ['a nested data value', (b) => (b.data.orderId = { id: 1 }), 'body.data.orderId'],
    ['a too long data value', (b) => (b.data.note = 'x'.repeat(2001)), 'body.data.note'],
    ['a bad data name', (b) => (b.data['bad name'] = 'x'), 'body.data.bad name'],
    ['an unknown field', (b) => (b.priority = 'high'), 'body.priority'],
    ['a wrong type', (b) => (b.customerId = 42), 'body.customerId'],
  ])('names the field for %s', async (_case, mutate, field) => {
    const body = structuredClone(confirmation()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    mutate(body);
    const res = conforms(await send(body).expect(400));
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.type).toBe('validation-failed');
    expect(res.body.errors.map((error: { field: string }) => error.field)).toContain(field);
  });

  it('requires an idempotency key', async () => {
    const res = conforms(await api().post('/notifications').set('authorization', tokens.service).send(confirmation()).expect(400));
    expect(res.body.errors[0].field).toBe('header.idempotency-key');
  });

  it('refuses malformed JSON', async () => {
    const res = conforms(
      await api()
        .post('/notifications')
        .set('Idempotency-Key', randomUUID())
        .set('authorization', tokens.service)
        .set('Content-Type', 'application/json')
        .send('{"eventId":')
        .expect(400),
    );
    expect(res.body.type).toBe('malformed-json');
  });

  it('refuses an oversized body with 413', async () => {
    const data = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`field${i}`, 'x'.repeat(2000)]));
    const res = conforms(await send(confirmation({ data })).expect(413));
    expect(res.body.type).toBe('body-too-large');
  });
});

describe('the checkout activity', () => {
  let server: Server;
  let activities: ReturnType<typeof createActivities>;
  beforeAll(async () => {
    server = await new Promise<Server>((resolve) => {
      const listening = service.app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const notifications = createNotificationsClient(url, { accessToken: () => signTestToken('service:worker', ['service']) });
    // Only the notifications client is used by notifyCustomer.
    activities = createActivities({ notifications } as ServiceClients);
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('notifies over HTTP with the request shape the service takes, once per checkout and template', async () => {
    const checkoutId = randomUUID();
    const email = `lin+${checkoutId}@example.com`;
    const input = { checkoutId, customerId: 'customer-9', email, template: 'order_confirmed' as const, data: { orderId: 'o-9', total: 100, currency: 'USD' } };
    const first = await activities.notifyCustomer(input);
    // Temporal may run the activity again after a timeout: same key, same event.
    const again = await activities.notifyCustomer(input);
    expect(again.notificationId).toBe(first.notificationId);
    const notification = await getAsAdmin(first.notificationId);
    expect(notification).toMatchObject({ eventId: `checkout-${checkoutId}:notify:order_confirmed`, email, status: 'sent' });
    expect(await mailTo(email)).toHaveLength(1);
  });

  it('passes a phone on when the checkout has one', async () => {
    const checkoutId = randomUUID();
    const phone = newPhone();
    const input = { checkoutId, customerId: 'customer-9', email: `lin+${checkoutId}@example.com`, phone, template: 'checkout_failed' as const, data: { reason: 'OutOfStock', message: 'MUG' } };
    const { notificationId } = await activities.notifyCustomer(input);
    expect((await smsTo(phone)).map((sms) => sms.reference)).toEqual([notificationId]);
  });
});

describe('upgrading a database from the e-mail-only schema', () => {
  it('keeps each existing notification, with its delivery state, as its e-mail delivery, and takes up again what the old limit gave up', async () => {
    const databaseUrl = await createTestDatabase('notifications_upgrade');
    const definition = { entities: notificationsEntities, migrations: notificationsMigrations.slice(0, 1) };
    const old = await openServiceDatabase(databaseUrl, definition);
    await migrateServiceDatabase(old, databaseUrl);
    const failedId = randomUUID();
    const sentId = randomUUID();
    const abandonedId = randomUUID();
    await old.em.fork().getConnection().execute(
      `insert into notifications (id, event_id, customer_id, channel, recipient, template, data, subject, body, html, status, attempts, last_error, next_attempt_at, created_at, updated_at, sent_at)
       values (?, 'e-1', 'c-1', 'email', 'a@example.com', 'order_confirmed', '{}', 'S1', 'B1', 'H1', 'failed', 2, '421 busy', now(), now(), now(), null),
              (?, 'e-2', 'c-1', 'email', 'b@example.com', 'checkout_failed', '{}', 'S2', 'B2', 'H2', 'sent', 1, null, null, now(), now(), now()),
              (?, 'e-3', 'c-1', 'email', 'c@example.com', 'order_confirmed', '{}', 'S3', 'B3', 'H3', 'failed', 5, '421 still busy', null, now() - interval '1 day', now() - interval '23 hours', null)`,
      [failedId, sentId, abandonedId],
    );
    await old.close();

    const upgraded = await openServiceDatabase(databaseUrl, { entities: notificationsEntities, migrations: notificationsMigrations });
    try {
      await migrateServiceDatabase(upgraded, databaseUrl);
      const rows = await upgraded.em
        .fork()
        .getConnection()
        .execute<{ notification_id: string; channel: string; recipient: string; status: string; attempts: number; last_error: string | null; email: string; due: boolean }[]>(
          `select d.notification_id, d.channel, d.recipient, d.status, d.attempts, d.last_error, n.email,
                  d.next_attempt_at <= now() and d.first_failed_at = d.created_at as due
           from notification_deliveries d join notifications n on n.id = d.notification_id order by n.event_id`,
        );
      expect(rows).toEqual([
        { notification_id: failedId, channel: 'email', recipient: 'a@example.com', status: 'failed', attempts: 2, last_error: '421 busy', email: 'a@example.com', due: true },
        { notification_id: sentId, channel: 'email', recipient: 'b@example.com', status: 'sent', attempts: 1, last_error: null, email: 'b@example.com', due: null },
        {
          notification_id: abandonedId,
          channel: 'email',
          recipient: 'c@example.com',
          status: 'failed',
          attempts: 5,
          last_error: '421 still busy',
          email: 'c@example.com',
          due: true,
        },
      ]);
      // And the retry job finds both that are due, the one given up on by the old limit included.
      const retried = await retryDueDeliveries(upgraded.em.fork() as EntityManager, senders);
      expect(retried.map((d) => [d.notification.id, d.status, d.attempts]).sort()).toEqual(
        [
          [failedId, 'sent', 3],
          [abandonedId, 'sent', 6],
        ].sort(),
      );
    } finally {
      await upgraded.close();
    }
  });
});

describe('upgrading a database that kept the local mailbox', () => {
  it('drops the mailbox (now the mail server simulator’s) and keeps the SMS log', async () => {
    const databaseUrl = await createTestDatabase('notifications_mailbox_gone');
    const before = notificationsMigrations.findIndex((migration) => migration.name === 'Migration20261205000000_mail_server_apart');
    const old = await openServiceDatabase(databaseUrl, { entities: notificationsEntities, migrations: notificationsMigrations.slice(0, before) });
    await migrateServiceDatabase(old, databaseUrl);
    const tables = async (orm: typeof old) =>
      (
        await orm.em
          .fork()
          .getConnection()
          .execute<{ name: string | null }[]>("select to_regclass('mailbox_messages')::text as name union all select to_regclass('sms_messages')::text")
      ).map((row) => row.name);
    expect(await tables(old)).toEqual(['mailbox_messages', 'sms_messages']);
    await old.close();

    const upgraded = await openServiceDatabase(databaseUrl, { entities: notificationsEntities, migrations: notificationsMigrations });
    try {
      await migrateServiceDatabase(upgraded, databaseUrl);
      expect(await tables(upgraded)).toEqual([null, 'sms_messages']);
    } finally {
      await upgraded.close();
    }
  });
});
