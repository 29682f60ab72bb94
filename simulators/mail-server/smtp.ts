/**
 * The simulator's SMTP side: it keeps what it receives in its database, so
 * every message can be read back (`GET /messages`). The shop reaches it over
 * real SMTP, exactly as it would reach a real server; a message is accepted
 * only once it is stored, so a refusal here is a failed attempt the sender
 * retries.
 */
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { simpleParser } from 'mailparser';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../../platform/logger';
import { ReceivedMessage } from './entities';

export interface SmtpListener {
  port: number;
  close(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 1024 * 1024;
const MAX_ADDRESS_LENGTH = 254;

function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

export async function startSmtpServer(orm: MikroORM, options: { port: number; host: string; logger: Logger }): Promise<SmtpListener> {
  const { logger } = options;
  const store = async (stream: SMTPServerDataStream, recipients: string[], envelopeFrom: string) => {
    const mail = await simpleParser(stream);
    if (stream.sizeExceeded) throw smtpError(`Message larger than ${MAX_MESSAGE_BYTES} bytes`, 552);
    if (recipients.length === 0) return;
    const receivedAt = new Date();
    // One insert for all recipients: the message is stored for each, or for none.
    await orm.em.fork().insertMany(
      ReceivedMessage,
      recipients.map((recipient) => ({
        id: randomUUID(),
        recipient,
        sender: mail.from?.text || envelopeFrom,
        subject: mail.subject ?? '',
        text: mail.text ?? '',
        html: mail.html || null,
        messageId: mail.messageId ?? null,
        receivedAt,
      })),
    );
  };

  const server = new SMTPServer({
    // Plain text, no logins: it holds only test mail, on loopback unless told otherwise (HOST).
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    size: MAX_MESSAGE_BYTES,
    banner: 'mail server simulator',
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.length > MAX_ADDRESS_LENGTH) callback(smtpError('Recipient address too long', 553));
      else callback();
    },
    onData(stream, session, callback) {
      const recipients = session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase());
      const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
      store(stream, recipients, envelopeFrom).then(
        () => callback(),
        (error: unknown) => {
          // Drain what is left, or the client waits for a reply that never comes.
          stream.resume();
          if (error instanceof Error && 'responseCode' in error) return callback(error);
          logger.error({ err: error }, 'the mail server could not store a message');
          callback(smtpError('Could not store the message, try again later', 451));
        },
      );
    },
  });
  server.on('error', (error) => logger.warn({ err: error }, 'SMTP connection error'));

  const port = await new Promise<number>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.server.off('error', onError);
      resolve((server.server.address() as AddressInfo).port);
    });
  });
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
