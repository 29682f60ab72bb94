/**
 * The messages the shop sends. Each template declares the data it needs
 * (checked before anything is stored, so a bad request is a 422 naming
 * `body.data.<field>`) and renders an e-mail (subject, plain text, HTML) and
 * an SMS. Values are interpolated as given into the text and the SMS,
 * HTML-escaped into the HTML.
 */
import { z } from 'zod';
import { HttpProblem } from '../../platform/http/problem';
import { zodIssuesToFieldErrors } from '../../platform/http/validate';
import { currencyCode } from '../../platform/http/zod-helpers';
import type { TemplateData, TemplateName } from './entities';

export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
  /** Short: one SMS segment (160 characters) unless the data is unusually long. */
  sms: string;
}

const SHOP = 'Temporal Shop';

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

// Building a formatter loads ICU data for the currency and was most of a render's cost; one per currency is kept.
const moneyFormats = new Map<string, { format: Intl.NumberFormat; divisor: number }>();

function moneyFormat(currency: string): { format: Intl.NumberFormat; divisor: number } {
  let known = moneyFormats.get(currency);
  if (!known) {
    const format = new Intl.NumberFormat('en', { style: 'currency', currency });
    known = { format, divisor: 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2) };
    // Bounded by the ISO 4217 codes the request schema admits (about 300).
    moneyFormats.set(currency, known);
  }
  return known;
}

/** Minor units to a display string, e.g. 4499 USD → "$44.99" (display only: amounts stay integers everywhere else). */
export function formatMoney(amount: number, currency: string): string {
  const { format, divisor } = moneyFormat(currency);
  return format.format(amount / divisor);
}

function message(subject: string, paragraphs: string[], sms: string): RenderedMessage {
  return {
    subject,
    sms: `${SHOP}: ${sms}`,
    text: `${paragraphs.join('\n\n')}\n`,
    html: `<!doctype html><html><body>${paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>')}</p>`).join('')}</body></html>`,
  };
}

interface Template<T> {
  /** The template's data as `body.data`, so a refusal names the request's field. */
  body: z.ZodType<{ data: T }>;
  render: (data: T) => RenderedMessage;
}

// The wrapping schema is built once per template, not per message: zod compiles an object schema on its first parse.
function defineTemplate<T>(spec: { data: z.ZodType<T>; render: (data: T) => RenderedMessage }): Template<T> {
  return { body: z.object({ data: spec.data }), render: spec.render };
}

// Ids go into the subject line, so they are kept to characters that need no header encoding.
const shortId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be 1-128 letters, digits or ".:_-"');
const customerName = z.string().trim().min(1).max(100).optional();

const greeting = (name: string | undefined) => (name ? `Hi ${name},` : 'Hello,');

const orderConfirmed = defineTemplate({
  data: z.looseObject({
    orderId: shortId,
    total: z.number().int().min(0),
    currency: currencyCode,
    customerName,
  }),
  render: (data: { orderId: string; total: number; currency: string; customerName?: string }) =>
    message(
      `Your order ${data.orderId} is confirmed`,
      [
        greeting(data.customerName),
        'Thank you for your order!',
        `Order: ${data.orderId}\nTotal: ${formatMoney(data.total, data.currency)}`,
        'We will let you know when it ships.',
      ],
      `order ${data.orderId} is confirmed, total ${formatMoney(data.total, data.currency)}. Thank you!`,
    ),
});

const FAILURE_REASONS: Record<string, string> = {
  OutOfStock: 'some of the items are no longer in stock',
  PaymentDeclined: 'the payment was declined',
  InsufficientFunds: 'the card has insufficient funds',
};

const checkoutFailed = defineTemplate({
  data: z.looseObject({
    reason: z.string().min(1).max(100),
    // Required so the stored notification says what went wrong, but never shown: it is written for
    // engineers, and a decline code (e.g. stolen_card) must not reach the customer. It may be empty
    // (an error without a message): the customer must still hear that the checkout failed.
    message: z.string().max(2000),
    checkoutId: shortId.optional(),
    customerName,
  }),
  render: (data: { reason: string; checkoutId?: string; customerName?: string }) => {
    const why = FAILURE_REASONS[data.reason] ?? 'something went wrong on our side';
    return message(
      'We could not complete your order',
      [
        greeting(data.customerName),
        `Sorry, we could not complete your checkout${data.checkoutId ? ` ${data.checkoutId}` : ''}: ${why}.`,
        'No order was placed. You are welcome to try again.',
      ],
      `we could not complete your order: ${why}. No order was placed.`,
    );
  },
});

const note = z.string().trim().min(1).max(500).optional();

const orderShipped = defineTemplate({
  data: z.looseObject({
    orderId: shortId,
    carrier: z.string().trim().min(1).max(100).optional(),
    trackingNumber: z.string().trim().min(1).max(100).optional(),
    note,
    customerName,
  }),
  render: (data: { orderId: string; carrier?: string; trackingNumber?: string; note?: string; customerName?: string }) => {
    const tracking = [data.carrier, data.trackingNumber].filter(Boolean).join(' ');
    return message(
      `Your order ${data.orderId} has shipped`,
      [
        greeting(data.customerName),
        `Good news: your order ${data.orderId} is on its way.`,
        ...(tracking ? [`Tracking: ${tracking}`] : []),
        ...(data.note ? [data.note] : []),
        'We will let you know when it is delivered.',
      ],
      `order ${data.orderId} has shipped${tracking ? ` (tracking: ${tracking})` : ''}.`,
    );
  },
});

const orderDelivered = defineTemplate({
  data: z.looseObject({ orderId: shortId, note, customerName }),
  render: (data: { orderId: string; note?: string; customerName?: string }) =>
    message(
      `Your order ${data.orderId} was delivered`,
      [
        greeting(data.customerName),
        `Your order ${data.orderId} has been delivered.`,
        ...(data.note ? [data.note] : []),
        'We hope you enjoy it. Thank you for shopping with us!',
      ],
      `order ${data.orderId} has been delivered. Enjoy!`,
    ),
});

const orderCancelled = defineTemplate({
  data: z.looseObject({ orderId: shortId, reason: z.string().trim().min(1).max(500).optional(), note, customerName }),
  render: (data: { orderId: string; reason?: string; note?: string; customerName?: string }) =>
    message(
      `Your order ${data.orderId} was cancelled`,
      [
        greeting(data.customerName),
        `Your order ${data.orderId} has been cancelled.`,
        ...(data.reason ? [`Reason: ${data.reason}`] : []),
        ...(data.note ? [data.note] : []),
        'If you were charged, the payment will be refunded in full.',
      ],
      `order ${data.orderId} was cancelled. Any payment will be refunded.`,
    ),
});

/**
 * Renders a template, or refuses its data with a 422 naming each bad field.
 * (The data is well-formed JSON of the right shape; this checks what the template needs.)
 */
export function renderTemplate(template: TemplateName, data: TemplateData): RenderedMessage {
  const render = <T>(spec: Template<T>) => {
    const parsed = spec.body.safeParse({ data });
    if (!parsed.success) {
      const errors = zodIssuesToFieldErrors('body', parsed.error);
      const detail = `The ${template} template needs ${errors.map((error) => `${error.field} (${error.message})`).join(', ')}`;
      throw new HttpProblem(422, 'invalid-template-data', 'The data does not fit the template', detail, { errors });
    }
    return spec.render(parsed.data.data);
  };
  switch (template) {
    case 'order_confirmed':
      return render(orderConfirmed);
    case 'checkout_failed':
      return render(checkoutFailed);
    case 'order_shipped':
      return render(orderShipped);
    case 'order_delivered':
      return render(orderDelivered);
    case 'order_cancelled':
      return render(orderCancelled);
  }
}
