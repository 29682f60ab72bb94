/** The mail server simulator for a test file: real SMTP and HTTP servers in this process, on a fresh database, on free ports. */
import request from 'supertest';
import type { components } from '../../simulators/mail-server/api.gen';
import { mailServerSpec } from '../../simulators/mail-server/app';
import { startMailServer, type RunningMailServer } from '../../simulators/mail-server/main';
import { createTestDatabase } from './database';
import { expectToMatchSpec } from './openapi';

export type ReceivedMail = components['schemas']['Message'];

export interface TestMailServer extends RunningMailServer {
  databaseUrl: string;
  /** What the notifications service needs to send here. */
  env: { SMTP_URL: string };
  /** Everything received for `to` (up to 100), newest first, read through the HTTP API and checked against its spec. */
  mailTo(to: string): Promise<ReceivedMail[]>;
}

export async function startTestMailServer(): Promise<TestMailServer> {
  const databaseUrl = await createTestDatabase('mail_server');
  const running = await startMailServer({ MAIL_SERVER_DATABASE_URL: databaseUrl, PORT: '0', MAIL_SERVER_SMTP_PORT: '0', HOST: '127.0.0.1' });
  return {
    ...running,
    databaseUrl,
    env: { SMTP_URL: running.smtpUrl },
    async mailTo(to) {
      const res = await request(running.url).get('/messages').query({ to, limit: '100' }).expect(200);
      expectToMatchSpec(mailServerSpec, res);
      return (res.body as components['schemas']['MessagePage']).items;
    },
  };
}
