/**
 * One checkout attempt = one Idempotency-Key. The attempt is written to
 * sessionStorage before anything is sent, with the payment token once the
 * card is tokenised, so a double click, a reload or a retry after a lost
 * answer sends the same key with the same body: the gateway then joins the
 * first checkout instead of starting a second one. A new attempt (new key)
 * starts only when the shopper changes the address or the card, or after
 * the previous attempt reached an outcome.
 *
 * Card numbers are never stored: only the payments service's token and the
 * last four digits.
 */
import type { ShippingAddress } from './api/client';

const STORAGE_KEY = 'shop.checkout-attempt';

export interface CheckoutAttempt {
  key: string;
  customerId: string;
  /** What the attempt was made with: the address and the card's last digits and expiry. */
  fingerprint: string;
  shippingAddress: ShippingAddress;
  paymentMethodId?: string;
  card?: { brand: string; last4: string };
  /** Known once the gateway answered. */
  checkoutId?: string;
}

export function fingerprintOf(shippingAddress: ShippingAddress, card: { last4: string; expMonth: number; expYear: number }): string {
  return JSON.stringify([shippingAddress.name, shippingAddress.line1, shippingAddress.line2 ?? '', shippingAddress.city, shippingAddress.postalCode, shippingAddress.country, card.last4, card.expMonth, card.expYear]);
}

function read(): CheckoutAttempt | undefined {
  try {
    const stored = sessionStorage.getItem(STORAGE_KEY);
    return stored ? (JSON.parse(stored) as CheckoutAttempt) : undefined;
  } catch {
    return undefined;
  }
}

export function saveAttempt(attempt: CheckoutAttempt): void {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(attempt));
}

/** The shopper's unfinished attempt in this tab, if any. */
export function pendingAttempt(customerId: string): CheckoutAttempt | undefined {
  const attempt = read();
  return attempt?.customerId === customerId ? attempt : undefined;
}

/** The attempt to submit: the pending one when nothing changed, else a new one (stored at once). */
export function attemptFor(customerId: string, fingerprint: string, shippingAddress: ShippingAddress): CheckoutAttempt {
  const pending = pendingAttempt(customerId);
  if (pending && pending.fingerprint === fingerprint) return pending;
  const attempt: CheckoutAttempt = { key: newKey(), customerId, fingerprint, shippingAddress };
  saveAttempt(attempt);
  return attempt;
}

/** The attempt reached an outcome (or the shopper started over): the next submit is a new checkout. */
export function finishAttempt(key?: string): void {
  const attempt = read();
  if (attempt && (key === undefined || attempt.key === key)) sessionStorage.removeItem(STORAGE_KEY);
}

function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // randomUUID needs a secure context (HTTPS or localhost); getRandomValues does not.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The checkout id the gateway derives from the customer and the key (gateway/checkouts.ts
 * checkoutIdFor), so the page can follow the steps while POST /checkouts is still waiting
 * for the outcome. Undefined where Web Crypto's digest is unavailable (plain HTTP off
 * localhost); the page then follows the id the answer brings.
 */
export async function expectedCheckoutId(customerId: string, key: string): Promise<string | undefined> {
  if (!crypto.subtle) return undefined;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${customerId}\n${key}`));
  const hex = [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
