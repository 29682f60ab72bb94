/**
 * The mail server simulator as its senders and readers see it: real SMTP in
 * (nodemailer, as the notifications service sends), its HTTP API out, each
 * answer checked against openapi/mail-server.yaml.
 */
import { randomUUID } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import request from 'supertest';
import { startTestMailServer, type TestMailServer } from '../../test/support/mail-server';
import { expectToMatchSpec } from '../../test/support/openapi';
import { mailServerSpec } from './app';
import { createMailServerClient } from './client';
import { readMailServerConfig } from './main';

let server: TestMailServer;
let transport: Transporter;

beforeAll(async () => {
  server = await startTestMailServer();
  transport = nodemailer.createTransport({ url: server.smtpUrl });
});
afterAll(async () => {
  transport?.close();
  await server?.stop();
});

const api = () => request(server.url);
const conforms = <T extends request.Response>(res: T): T => {
  expectToMatchSpec(mailServerSpec, res);
  return res;
};
const address = (name = 'ada') => `${name}+${randomUUID()}@example.com`;

describe('receiving over SMTP', () => {
  it('keeps a message as it was sent, one row per envelope recipient, readable by either address in any case', async () => {
    const [ada, grace] = [address('Ada'), address('grace')];
    const info = (await transport.sendMail({
      from: 'Temporal Shop <orders@shop.example>',
      to: [ada, grace],
      subject: 'Your order is confirmed',
      text: 'Hi Ada,\nTotal: $44.99',
      html: '<p>Hi Ada &#38; co,</p>',
      messageId: '<n-1@shop.example>',
    })) as { accepted: string[] };
    expect(info.accepted.sort()).toEqual([ada, grace].sort());

    const toAda = await server.mailTo(ada.toUpperCase());
    expect(toAda).toEqual([
      {
        id: expect.any(String),
        to: ada.toLowerCase(),
        from: '"Temporal Shop" <orders@shop.example>',
        subject: 'Your order is confirmed',
        text: 'Hi Ada,\nTotal: $44.99',
        html: '<p>Hi Ada &#38; co,</p>',
        messageId: '<n-1@shop.example>',
        receivedAt: expect.any(String),
      },
    ]);
    expect((await server.mailTo(grace)).map((mail) => mail.to)).toEqual([grace]);
  });

  it('lists newest first, page by page, through the typed client as well', async () => {
    const to = address();
    for (const subject of ['first', 'second', 'third']) await transport.sendMail({ from: 'shop@shop.example', to, subject, text: subject });
    expect((await server.mailTo(to)).map((mail) => mail.subject)).toEqual(['third', 'second', 'first']);

    const page = conforms(await api().get('/messages').query({ to, limit: '1', offset: '1' }).expect(200));
    expect(page.body).toMatchObject({ total: 3, limit: 1, offset: 1, items: [{ subject: 'second' }] });
    expect(page.headers['cache-control']).toBe('no-store');

    const { data } = await createMailServerClient(server.url).GET('/messages', { params: { query: { to, limit: 2 } } });
    expect(data?.items.map((mail) => mail.subject)).toEqual(['third', 'second']);
    const everyone = conforms(await api().get('/messages').expect(200));
    expect(everyone.body.total).toBeGreaterThanOrEqual(3);
  });

  it('refuses a message over 1 MB, and stores nothing of it', async () => {
    const to = address();
    await expect(transport.sendMail({ from: 'shop@shop.example', to, subject: 'big', text: 'x'.repeat(1024 * 1024 + 10) })).rejects.toMatchObject({
      responseCode: 552,
    });
    expect(await server.mailTo(to)).toEqual([]);
  });
});

describe('the HTTP API', () => {
  it('names each bad query parameter in a 400 problem', async () => {
    const res = conforms(await api().get('/messages').query({ to: 'x'.repeat(255), offset: '-1', extra: '1' }).expect(400));
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(['query.extra', 'query.offset', 'query.to']);
  });

  it('answers an unknown route with 404 and a wrong method with 405', async () => {
    expect((await api().get('/nope').expect(404)).body.type).toBe('route-not-found');
    const wrong = await api().post('/messages').expect(405);
    expect(wrong.headers.allow).toBe('GET, HEAD');
  });

  it('reports health and readiness, and serves its spec', async () => {
    expect((await api().get('/health').expect(200)).body).toEqual({ status: 'ok', service: 'mail-server' });
    expect((await api().get('/ready').expect(200)).body).toEqual({ status: 'ready', service: 'mail-server' });
    expect((await api().get('/openapi.json').expect(200)).body.info.title).toBe('Mail server simulator');
  });
});

describe('configuration', () => {
  it('takes its ports and database from the environment, refusing what it cannot use', () => {
    const databaseUrl = 'postgres://shop:shop@127.0.0.1:5432/postgres';
    expect(readMailServerConfig({ DATABASE_URL: databaseUrl })).toEqual({
      databaseUrl: 'postgres://shop:shop@127.0.0.1:5432/sim_mail_server',
      port: 3091,
      smtpPort: 2525,
      host: '127.0.0.1',
    });
    expect(readMailServerConfig({ DATABASE_URL: databaseUrl, MAIL_SERVER_PORT: '4000', MAIL_SERVER_SMTP_PORT: '0' })).toMatchObject({ port: 4000, smtpPort: 0 });
    expect(() => readMailServerConfig({})).toThrow(/no database configured/);
    expect(() => readMailServerConfig({ DATABASE_URL: databaseUrl, MAIL_SERVER_SMTP_PORT: '70000' })).toThrow(/MAIL_SERVER_SMTP_PORT must be a port number/);
  });
});
