/**
 * How SMS leave the building. The service sees only `SmsProvider`; a real
 * gateway plugs in behind it. The local provider records each message in the
 * service's database instead, so it can be read back (`GET /mailbox/sms`).
 */
import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { SmsMessage } from './entities';

export interface OutgoingSms {
  /** E.164 */
  to: string;
  text: string;
  /** The notification's id, so the provider's records can be matched with ours. */
  reference: string;
}

export interface SmsProvider {
  /** Resolves once the provider has accepted the message; rejects when it has not. */
  send(sms: OutgoingSms): Promise<{ providerMessageId: string }>;
}

export function localSmsProvider(orm: MikroORM): SmsProvider {
  return {
    async send({ to, text, reference }) {
      const id = randomUUID();
      await orm.em.fork().insert(SmsMessage, { id, recipient: to, text, reference, receivedAt: new Date() });
      return { providerMessageId: id };
    },
  };
}
