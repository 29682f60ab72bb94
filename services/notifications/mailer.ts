/**
 * How e-mail leaves the building. The service sees only `Mailer`; the real one
 * is nodemailer over SMTP: to SMTP_URL when it is set, otherwise to the
 * service's own SMTP sink on loopback (mail-sink.ts), the local default.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import { z } from 'zod';

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
  SMTP_URL: z
    .url({ protocol: /^smtps?$/, error: 'SMTP_URL must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.example:587' })
    .optional(),
  MAIL_FROM: z.string().regex(/\S+@\S+/, 'MAIL_FROM must contain an e-mail address, e.g. Shop <orders@shop.example>').default(DEFAULT_MAIL_FROM),
  SMTP_SINK_PORT: z.coerce
    .number({ error: 'SMTP_SINK_PORT must be a port number (0 for any free one)' })
    .int('SMTP_SINK_PORT must be a port number (0 for any free one)')
    .min(0, 'SMTP_SINK_PORT must be a port number (0 for any free one)')
    .max(65535, 'SMTP_SINK_PORT must be a port number (0 for any free one)')
    .default(0),
});

export interface MailConfig {
  smtpUrl: string | undefined;
  from: string;
  /** Where the local SMTP sink listens when there is no SMTP_URL; 0 = any free port, so instances can share a host. */
  sinkPort: number;
}

export function readMailConfig(env: Record<string, string | undefined> = process.env): MailConfig {
  const parsed = MailConfig.safeParse({
    SMTP_URL: env.SMTP_URL || undefined,
    MAIL_FROM: env.MAIL_FROM || undefined,
    SMTP_SINK_PORT: env.SMTP_SINK_PORT || undefined,
  });
  if (!parsed.success) throw new Error(`notifications: invalid mail configuration\n${parsed.error.issues.map((issue) => `  - ${issue.message}`).join('\n')}`);
  return { smtpUrl: parsed.data.SMTP_URL, from: parsed.data.MAIL_FROM, sinkPort: parsed.data.SMTP_SINK_PORT };
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

/** To the local sink: plain SMTP on loopback, no STARTTLS attempt (the sink offers none). */
export function sinkTransport(port: number): Transporter {
  return nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, ...POOL, ...SMTP_TIMEOUTS });
}
