/**
 * The ways out (e-mail, SMS) as one service instance has them, built from its
 * configuration when it starts and closed when it stops.
 */
import type { ServiceContext } from '../../platform/service-main';
import { nodemailerMailer, readMailConfig, smtpTransport, type Mailer } from './mailer';
import { localSmsProvider, type SmsProvider } from './sms';

export interface DeliveryChannels {
  mailer: Mailer;
  sms: SmsProvider;
  close(): Promise<void>;
}

export function channelsFromConfig(context: Pick<ServiceContext, 'orm' | 'env'>): DeliveryChannels {
  const config = readMailConfig(context.env);
  const transporter = smtpTransport(config.smtpUrl);
  return { mailer: nodemailerMailer(transporter, config.from), sms: localSmsProvider(context.orm), close: async () => transporter.close() };
}
