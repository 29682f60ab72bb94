import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { EntityManager } from '@mikro-orm/postgresql';
import { serviceUnderTest, type ServiceUnderTest } from '../../test/support/service';
import { expectToMatchSpec } from '../../test/support/openapi';
import { getFreePort } from '../../test/support/ports';
import { createLogger } from '../../platform/logger';
import type { components } from './api.gen';
import { createNotificationsApp, notificationsSpec } from './app';
import { MAX_DELIVERY_ATTEMPTS, recordNotification, retryDueNotifications } from './domain';
import { startDeliveryRetrier } from './jobs';
import { mailerFromEnv, readMailConfig, type Mailer, type OutgoingEmail } from './mailer';
import { defineNotificationsService } from './main';
import { renderTemplate } from './templates';

type SendNotificationRequest = components['schemas']['SendNotificationRequest'];
type Notification = components['schemas']['Notification'];

/**
 * A test double of the SMTP transport: it records each message it accepts, and
 * refuses the next few messages to an address when told to, as a busy or
 * unreachable mail server would.
 */
class RecordingMailer implements Mailer {
  readonly sent: OutgoingEmail[] = [];
  private readonly refusals = new Map<string, number>();

  refuseNext(to: string, times = 1): void {
    this.refusals.set(to, times);
  }

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    // A real server takes a moment; it widens the windows the concurrency tests aim at.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const refusals = this.refusals.get(email.to) ?? 0;
    if (refusals > 0) {
      this.refusals.set(email.to, refusals - 1);
      throw new Error('421 4.3.2 Service not available, try again later');
    }
    this.sent.push(email);
    return { messageId: `<${email.reference}@test>` };
  }

  sentTo(to: string): OutgoingEmail[] {
    return this.sent.filter((email) => email.to === to);
  }
}

const mailer = new RecordingMailer();
let service: ServiceUnderTest;

beforeAll(async () => {
  service = await serviceUnderTest(defineNotificationsService(() => mailer));
});
afterAll(async () => {
  await service.close();
});

const api = () => request(service.app);
const conforms = <T extends request.Response>(res: T): T => {
  expectToMatchSpec(notificationsSpec, res);
  return res;
};
const em = () => service.orm.em.fork() as EntityManager;

/** Each request goes to an address of its own, so what the mailer recorded can be told apart per test. */
function confirmation(overrides: Partial<SendNotificationRequest> = {}): SendNotificationRequest {
  const checkoutId = randomUUID();
  return {
    eventId: `checkout-${checkoutId}:notify:order_confirmed`,
    customerId: 'customer-1',
    channel: 'email',
    to: `ada+${checkoutId}@example.com`,
    template: 'order_confirmed',
    data: { orderId: randomUUID(), total: 4499, currency: 'USD' },
    ...overrides,
  };
}

const send = (body: unknown, key: string = randomUUID()) => api().post('/notifications').set('Idempotency-Key', key).send(body as object);

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('sending', () => {
  it('renders the template, delivers it once and answers with the notification as sent', async () => {
    const body = confirmation({ data: { orderId: 'order-42', total: 4499, currency: 'USD', customerName: 'Ada <Countess> & co' } });
    const res = conforms(await send(body).expect(201));
    const notification = res.body as Notification;
    expect(notification).toMatchObject({
      eventId: body.eventId,
      customerId: 'customer-1',
      channel: 'email',
      to: body.to,
      template: 'order_confirmed',
      subject: 'Your order order-42 is confirmed',
      status: 'sent',
      attempts: 1,
    });
    expect(notification.body).toContain('Hi Ada <Countess> & co,');
    expect(notification.body).toContain('Total: $44.99');
    expect(notification.sentAt).toBeDefined();
    expect(notification.lastError).toBeUndefined();

    const delivered = mailer.sentTo(body.to);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({ reference: notification.id, subject: notification.subject, text: notification.body });
    expect(delivered[0]?.html).toContain('Hi Ada &#60;Countess&#62; &#38; co,');
    expect(delivered[0]?.html).not.toContain('<Countess>');

    const fetched = conforms(await api().get(`/notifications/${notification.id}`).expect(200));
    expect(fetched.body).toEqual(notification);
  });

  it('renders a failed checkout by its reason', async () => {
    const body = confirmation({ template: 'checkout_failed', data: { reason: 'PaymentDeclined', message: 'card declined: do_not_honor' } });
    const res = conforms(await send(body).expect(201));
    expect(res.body).toMatchObject({ subject: 'We could not complete your order', status: 'sent' });
    expect(res.body.body).toContain('the payment was declined');
    expect(res.body.body).not.toContain('do_not_honor');
  });

  it('replays a repeat with the same key without sending again', async () => {
    const body = confirmation();
    const key = `notify-${randomUUID()}`;
    const first = conforms(await send(body, key).expect(201));
    const replay = conforms(await send(body, key).expect(201));
    expect(replay.headers['idempotent-replayed']).toBe('true');
    // The stored response is the one the first caller got: after the delivery, not before it.
    expect(replay.body).toEqual(first.body);
    expect(replay.body.status).toBe('sent');
    expect(mailer.sentTo(body.to)).toHaveLength(1);
  });

  it('answers another request for the same event with the existing notification, without sending again', async () => {
    const body = confirmation();
    const first = conforms(await send(body).expect(201));
    const again = conforms(await send(body).expect(200));
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(again.body).toEqual(first.body);
    expect(mailer.sentTo(body.to)).toHaveLength(1);
  });

  it('refuses the same event with other content', async () => {
    const body = confirmation();
    const first = conforms(await send(body).expect(201));
    const res = conforms(await send({ ...body, data: { ...body.data, total: 1 } }).expect(409));
    expect(res.body).toMatchObject({ type: 'notification-mismatch', notificationId: first.body.id });
    expect(mailer.sentTo(body.to)).toHaveLength(1);
  });

  it('sends once when the same request arrives many times at once with one key', async () => {
    const body = confirmation();
    const key = `notify-${randomUUID()}`;
    const responses = await Promise.all(Array.from({ length: 8 }, () => send(body, key)));
    responses.forEach(conforms);
    expect(responses.map((res) => res.status)).toEqual(Array(8).fill(201));
    expect(new Set(responses.map((res) => res.body.id)).size).toBe(1);
    expect(mailer.sentTo(body.to)).toHaveLength(1);
  });

  it('sends once when the same event arrives many times at once with different keys', async () => {
    const body = confirmation();
    const responses = await Promise.all(Array.from({ length: 8 }, () => send(body)));
    responses.forEach(conforms);
    expect(responses.map((res) => res.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(responses.map((res) => res.body.id)).size).toBe(1);
    expect(mailer.sentTo(body.to)).toHaveLength(1);
  });
});

describe('delivery failures', () => {
  it('records a refused delivery as failed, and the retry job delivers it later', async () => {
    const body = confirmation();
    mailer.refuseNext(body.to);
    const res = conforms(await send(body).expect(201));
    expect(res.body).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringContaining('421') });
    expect(res.body.sentAt).toBeUndefined();
    expect(mailer.sentTo(body.to)).toHaveLength(0);

    // The job waits out the backoff; bring the retry forward instead of waiting 30 seconds.
    await em().execute('update notifications set next_attempt_at = now() where id = ?', [res.body.id]);
    const job = startDeliveryRetrier(service.orm, mailer, createLogger('notifications'), 20);
    try {
      const sent = await waitFor(async () => {
        const current = conforms(await api().get(`/notifications/${res.body.id}`).expect(200));
        return current.body.status === 'sent' ? (current.body as Notification) : undefined;
      });
      expect(sent).toMatchObject({ attempts: 2, status: 'sent' });
      expect(sent.lastError).toBeUndefined();
    } finally {
      await job.stop();
    }
    expect(mailer.sentTo(body.to)).toHaveLength(1);
  });

  it('does not retry before the backoff has passed', async () => {
    const body = confirmation();
    mailer.refuseNext(body.to);
    const res = conforms(await send(body).expect(201));
    expect(res.body.status).toBe('failed');
    const retried = await retryDueNotifications(em(), mailer);
    expect(retried.map((notification) => notification.id)).not.toContain(res.body.id);
  });

  it('retries with growing pauses and gives up after five attempts', async () => {
    expect(MAX_DELIVERY_ATTEMPTS).toBe(5);
    const body = confirmation();
    mailer.refuseNext(body.to, MAX_DELIVERY_ATTEMPTS);
    const res = conforms(await send(body).expect(201));
    const pauses: number[] = [];
    for (let attempt = 2; attempt <= MAX_DELIVERY_ATTEMPTS + 1; attempt++) {
      const [row] = await em().execute<{ pause_seconds: string | null }[]>(
        'select extract(epoch from next_attempt_at - updated_at) as pause_seconds from notifications where id = ?',
        [res.body.id],
      );
      if (row?.pause_seconds == null) break;
      pauses.push(Number(row.pause_seconds));
      // Bring the retry forward instead of waiting out the pause.
      await em().execute('update notifications set next_attempt_at = now() where id = ?', [res.body.id]);
      await retryDueNotifications(em(), mailer);
    }
    const last = conforms(await api().get(`/notifications/${res.body.id}`).expect(200));
    expect(last.body).toMatchObject({ status: 'failed', attempts: MAX_DELIVERY_ATTEMPTS, lastError: expect.stringContaining('421') });
    expect(pauses).toHaveLength(MAX_DELIVERY_ATTEMPTS - 1);
    expect(pauses[0]).toBeGreaterThan(29);
    pauses.slice(1).forEach((pause, i) => expect(pause).toBeGreaterThan(pauses[i] ?? Infinity));
    expect(await retryDueNotifications(em(), mailer)).toEqual([]);
    expect(mailer.sentTo(body.to)).toHaveLength(0);
  });

  it('picks up a notification whose first attempt never ran, once that attempt’s lease is over', async () => {
    // As if the service stopped right after committing, before its first attempt.
    const body = confirmation();
    const { notification } = await em().transactional((tx) =>
      recordNotification(tx as EntityManager, body, renderTemplate(body.template, body.data)),
    );
    expect(await retryDueNotifications(em(), mailer)).toEqual([]);

    await em().execute("update notifications set next_attempt_at = now() - interval '1 second' where id = ?", [notification.id]);
    const [retried] = await retryDueNotifications(em(), mailer);
    expect(retried).toMatchObject({ id: notification.id, status: 'sent', attempts: 2 });
    expect(mailer.sentTo(body.to)).toHaveLength(1);
  });
});

describe('the default transport', () => {
  it('builds the real message with nodemailer and answers with its Message-ID', async () => {
    const app = createNotificationsApp(service.context, mailerFromEnv({}));
    const body = confirmation();
    const res = conforms(await request(app).post('/notifications').set('Idempotency-Key', randomUUID()).send(body).expect(201));
    expect(res.body).toMatchObject({ status: 'sent', attempts: 1 });

    const sent = await mailerFromEnv({}).send({ reference: res.body.id, to: body.to, subject: 'Hi', text: 'Hello', html: '<p>Hello</p>' });
    expect(sent.messageId).toBe(`<${res.body.id}@shop.example>`);
  });

  it('records a failure when the SMTP server cannot be reached', async () => {
    const port = await getFreePort();
    const app = createNotificationsApp(service.context, mailerFromEnv({ SMTP_URL: `smtp://127.0.0.1:${port}` }));
    const res = conforms(await request(app).post('/notifications').set('Idempotency-Key', randomUUID()).send(confirmation()).expect(201));
    expect(res.body).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringMatching(/ECONNREFUSED|connect/i) });
  });

  it('refuses mail configuration it cannot use, saying what is wrong', () => {
    expect(() => readMailConfig({ SMTP_URL: 'http://mail.example' })).toThrow(/SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/);
    expect(() => readMailConfig({ MAIL_FROM: 'nobody' })).toThrow(/MAIL_FROM must contain an e-mail address/);
    expect(readMailConfig({})).toEqual({ smtpUrl: undefined, from: 'Temporal Shop <orders@shop.example>' });
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

    const all = conforms(await api().get('/notifications').query({ customerId }).expect(200));
    expect(all.body).toMatchObject({ total: 2, limit: 50, offset: 0 });
    expect(all.body.items.map((n: Notification) => n.id)).toEqual([second.body.id, first.body.id]);

    const page = conforms(await api().get('/notifications').query({ customerId, limit: '1', offset: '1' }).expect(200));
    expect(page.body.items.map((n: Notification) => n.id)).toEqual([first.body.id]);
  });

  it('answers an unknown notification with a 404 problem and a bad id with a 400', async () => {
    const missing = conforms(await api().get(`/notifications/${randomUUID()}`).expect(404));
    expect(missing.body.type).toBe('not-found');
    const bad = conforms(await api().get('/notifications/not-a-uuid').expect(400));
    expect(bad.body.errors[0].field).toBe('params.notificationId');
    const badQuery = conforms(await api().get('/notifications').query({ customerId: 'bad id', limit: '101' }).expect(400));
    expect(badQuery.body.errors.map((error: { field: string }) => error.field)).toEqual(['query.customerId', 'query.limit']);
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
    expect(mailer.sentTo(body.to)).toHaveLength(0);
    const listed = conforms(await api().get('/notifications').query({ customerId: body.customerId, limit: '100' }).expect(200));
    expect(listed.body.items.map((n: Notification) => n.eventId)).not.toContain(body.eventId);
  });

  it.each([
    ['reason', { message: 'declined' }],
    ['message', { reason: 'PaymentDeclined' }],
  ])('requires the %s of a failed checkout', async (field, data) => {
    const body = confirmation({ template: 'checkout_failed', data });
    const res = conforms(await send(body).expect(422));
    expect(res.body).toMatchObject({ type: 'invalid-template-data', errors: [{ field: `body.data.${field}` }] });
    expect(mailer.sentTo(body.to)).toHaveLength(0);
  });

  type Mutation = (body: Record<string, any>) => void; // eslint-disable-line @typescript-eslint/no-explicit-any
  it.each<[string, Mutation, string]>([
    ['a missing event id', (b) => delete b.eventId, 'body.eventId'],
    ['a bad event id', (b) => (b.eventId = 'has spaces'), 'body.eventId'],
    ['an event id with a slash', (b) => (b.eventId = 'checkout/1'), 'body.eventId'],
    ['a too long event id', (b) => (b.eventId = 'e'.repeat(201)), 'body.eventId'],
    ['a missing recipient', (b) => delete b.to, 'body.to'],
    ['a bad e-mail address', (b) => (b.to = 'ada-at-example.com'), 'body.to'],
    ['an unknown channel', (b) => (b.channel = 'sms'), 'body.channel'],
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
    const res = conforms(await api().post('/notifications').send(confirmation()).expect(400));
    expect(res.body.errors[0].field).toBe('header.idempotency-key');
  });

  it('refuses malformed JSON', async () => {
    const res = conforms(
      await api().post('/notifications').set('Idempotency-Key', randomUUID()).set('Content-Type', 'application/json').send('{"eventId":').expect(400),
    );
    expect(res.body.type).toBe('malformed-json');
  });

  it('refuses an oversized body with 413', async () => {
    const data = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`field${i}`, 'x'.repeat(2000)]));
    const res = conforms(await send(confirmation({ data })).expect(413));
    expect(res.body.type).toBe('body-too-large');
  });
});
