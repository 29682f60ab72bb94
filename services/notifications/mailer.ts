/**
 * How e-mail leaves the building. The service sees only `Mailer`; the real one
 * is nodemailer over SMTP, to SMTP_URL. Without it, mail goes to the mail
 * server simulator on loopback (simulators/mail-server, which `npm start` runs),
 * as payments goes to the payment provider simulator without PAYMENT_PROVIDER_URL.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import { z } from 'zod';
import { mailServerSmtpPort } from '../../platform/services';

export interface OutgoingEmail {
  /** The notification's id: the Message-ID is made from it, so a receiver can tell a retried message from a new one. */
  reference: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  /** Resolves once the message is accepted for delivery; rejects when it is not. */
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}

export const DEFAULT_MAIL_FROM = 'Temporal Shop <orders@shop.example>';

// Shorter than nodemailer's defaults (up to 10 minutes idle), so an attempt ends well within its lease.
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

const MailConfig = z.object({
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'SMTP_URL must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.example:587' }),
  MAIL_FROM: z.string().regex(/\S+@\S+/, 'MAIL_FROM must contain an e-mail address, e.g. Shop <orders@shop.example>').default(DEFAULT_MAIL_FROM),
});

export interface MailConfig {
  smtpUrl: string;
  from: string;
}

export function readMailConfig(env: Record<string, string | undefined> = process.env): MailConfig {
  // As payments with its provider: a deployment never mails a simulator by accident.
  if (env.NODE_ENV === 'production' && !env.SMTP_URL) {
    throw new Error('notifications: set SMTP_URL (the mail server, e.g. smtps://user:pass@smtp.example.com:465); NODE_ENV=production has no default for it');
  }
  const parsed = MailConfig.safeParse({
    SMTP_URL: env.SMTP_URL || `smtp://127.0.0.1:${mailServerSmtpPort(env)}`,
    MAIL_FROM: env.MAIL_FROM || undefined,
  });
  if (!parsed.success) throw new Error(`notifications: invalid mail configuration\n${parsed.error.issues.map((issue) => `  - ${issue.message}`).join('\n')}`);
  return { smtpUrl: parsed.data.SMTP_URL, from: parsed.data.MAIL_FROM };
}

export function nodemailerMailer(transporter: Transporter, from: string): Mailer {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
  return {
    async send({ reference, to, subject, text, html }) {
      const info = (await transporter.sendMail({ from, to, subject, text, html, messageId: `<${reference}@${domain}>` })) as { messageId: string };
      return { messageId: info.messageId };
    },
  };
}

/**
 * Connections are kept open and reused (nodemailer's pool) rather than opened, greeted and closed
 * for every message: each is a TCP (and TLS) handshake and several SMTP round trips. A pooled
 * connection the server has dropped is replaced on the next message.
 */
const POOL = { pool: true, maxConnections: 5 } as const;

export function smtpTransport(url: string): Transporter {
  return nodemailer.createTransport({ url, ...POOL, ...SMTP_TIMEOUTS });
}
