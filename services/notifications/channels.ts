/**
 * The ways out (e-mail, SMS) as one service instance has them, built from its
 * configuration when it starts and closed when it stops.
 */
import type { ServiceContext } from '../../platform/service-main';
import { startMailSink, type MailSink } from './mail-sink';
import { nodemailerMailer, readMailConfig, sinkTransport, smtpTransport, type Mailer } from './mailer';
import { localSmsProvider, type SmsProvider } from './sms';

export interface DeliveryChannels {
  mailer: Mailer;
  sms: SmsProvider;
  /** The local SMTP sink, when mail goes there (no SMTP_URL). */
  mailSink?: Promise<MailSink>;
  close(): Promise<void>;
}

export function channelsFromConfig(context: Pick<ServiceContext, 'orm' | 'logger' | 'env'>): DeliveryChannels {
  const { orm, logger } = context;
  const config = readMailConfig(context.env);
  const sms = localSmsProvider(orm);
  if (config.smtpUrl) {
    const transporter = smtpTransport(config.smtpUrl);
    return { mailer: nodemailerMailer(transporter, config.from), sms, close: async () => transporter.close() };
  }
  // Listening takes a moment and apps are built synchronously; a send waits for it.
  const mailSink = startMailSink(orm, { port: config.sinkPort, logger });
  const transporter = mailSink.then((sink) => sinkTransport(sink.port));
  transporter.catch(() => undefined);
  const mailer = mailSink.then(
    async (sink) => {
      logger.info({ port: sink.port }, 'no SMTP_URL: mail goes to the local SMTP sink, readable at GET /mailbox/messages');
      return nodemailerMailer(await transporter, config.from);
    },
    (error: unknown) => {
      logger.error({ err: error, port: config.sinkPort }, 'the local SMTP sink could not start; no e-mail can be delivered (check SMTP_SINK_PORT)');
      throw error;
    },
  );
  // Failures surface on each send (as a failed, retried attempt); not here as an unhandled rejection.
  mailer.catch(() => undefined);
  return {
    mailer: {
      async send(email) {
        const ready = await mailer.catch((error: unknown) => {
          throw new Error(`the local SMTP sink is not running: ${error instanceof Error ? error.message : String(error)}`);
        });
        return ready.send(email);
      },
    },
    sms,
    mailSink,
    async close() {
      // The pooled connections first: the sink waits for open connections when it closes.
      (await transporter.catch(() => undefined))?.close();
      const sink = await mailSink.catch(() => undefined);
      await sink?.close();
    },
  };
}
