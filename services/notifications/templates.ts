/**
 * The messages the shop sends. Each template declares the data it needs
 * (checked before anything is stored, so a bad request is a 422 naming
 * `body.data.<field>`) and renders a subject, a plain-text body and an HTML
 * body. Values are interpolated as given into the text, HTML-escaped into the HTML.
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
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Minor units to a display string, e.g. 4499 USD → "$44.99" (display only: amounts stay integers everywhere else). */
export function formatMoney(amount: number, currency: string): string {
  const format = new Intl.NumberFormat('en', { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** digits);
}

function message(subject: string, paragraphs: string[]): RenderedMessage {
  return {
    subject,
    text: `${paragraphs.join('\n\n')}\n`,
    html: `<!doctype html><html><body>${paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>')}</p>`).join('')}</body></html>`,
  };
}

// Ids go into the subject line, so they are kept to characters that need no header encoding.
const shortId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be 1-128 letters, digits or ".:_-"');
const customerName = z.string().trim().min(1).max(100).optional();

const greeting = (name: string | undefined) => (name ? `Hi ${name},` : 'Hello,');

const orderConfirmed = {
  data: z.looseObject({
    orderId: shortId,
    total: z.number().int().min(0),
    currency: currencyCode,
    customerName,
  }),
  render: (data: { orderId: string; total: number; currency: string; customerName?: string }) =>
    message(`Your order ${data.orderId} is confirmed`, [
      greeting(data.customerName),
      'Thank you for your order!',
      `Order: ${data.orderId}\nTotal: ${formatMoney(data.total, data.currency)}`,
      'We will let you know when it ships.',
    ]),
};

const FAILURE_REASONS: Record<string, string> = {
  OutOfStock: 'some of the items are no longer in stock',
  PaymentDeclined: 'the payment was declined',
  InsufficientFunds: 'the card has insufficient funds',
};

const checkoutFailed = {
  data: z.looseObject({
    reason: z.string().min(1).max(100),
    // Required so the stored notification says what went wrong, but never shown: it is written for
    // engineers, and a decline code (e.g. stolen_card) must not reach the customer. It may be empty
    // (an error without a message): the customer must still hear that the checkout failed.
    message: z.string().max(2000),
    checkoutId: shortId.optional(),
    customerName,
  }),
  render: (data: { reason: string; checkoutId?: string; customerName?: string }) =>
    message('We could not complete your order', [
      greeting(data.customerName),
      `Sorry, we could not complete your checkout${data.checkoutId ? ` ${data.checkoutId}` : ''}: ${
        FAILURE_REASONS[data.reason] ?? 'something went wrong on our side'
      }.`,
      'No order was placed. You are welcome to try again.',
    ]),
};

/**
 * Renders a template, or refuses its data with a 422 naming each bad field.
 * (The data is well-formed JSON of the right shape; this checks what the template needs.)
 */
export function renderTemplate(template: TemplateName, data: TemplateData): RenderedMessage {
  const render = <T>(spec: { data: z.ZodType<T>; render: (data: T) => RenderedMessage }) => {
    const parsed = z.object({ data: spec.data }).safeParse({ data });
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
  }
}
