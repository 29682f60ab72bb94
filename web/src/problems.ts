/**
 * What the shop's problem+json answers mean to a shopper, as plain sentences.
 * Field errors are kept apart so forms can show them beside their fields.
 */
import type { components } from './api/gateway.gen';

type Problem = components['schemas']['Problem'];

export interface FieldErrors {
  [field: string]: string;
}

export class ShopError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly problem?: Problem & Record<string, unknown>,
    readonly fields: FieldErrors = {},
  ) {
    super(message);
    this.name = 'ShopError';
  }

  get type(): string | undefined {
    return this.problem?.type;
  }
}

const UNREACHABLE = 'We could not reach the shop. Check your connection and try again.';

function seconds(retryAfter: string | null): string {
  const value = Number(retryAfter);
  if (!retryAfter || !Number.isFinite(value) || value <= 0) return 'a minute';
  return value === 1 ? '1 second' : `${Math.ceil(value)} seconds`;
}

/** `body.shippingAddress.city` → `shippingAddress.city`: forms name fields without the request part. */
function fieldErrorsOf(problem: Problem | undefined): FieldErrors {
  const fields: FieldErrors = {};
  for (const error of problem?.errors ?? []) fields[error.field.replace(/^(body|query|params|header)\.?/, '')] ??= error.message;
  return fields;
}

export function sentenceFor(status: number, problem: (Problem & Record<string, unknown>) | undefined, response?: Response): string {
  const detail = problem?.detail;
  switch (problem?.type) {
    case 'rate-limited':
      return `Too many requests right now. Please wait ${seconds(response?.headers.get('retry-after') ?? null)} and try again.`;
    case 'out-of-stock':
      return `Sorry, we do not have enough stock for everything in your cart${detail ? ` (${detail})` : ''}. Nothing was charged, and your cart is open again: lower the quantity or remove the item.`;
    case 'payment-declined': {
      // The provider's own words (charge ids, decline codes) mean nothing to a shopper; the kind of decline does.
      const reason = problem.failureType === 'InsufficientFunds' || problem.declineReason === 'InsufficientFunds' ? 'there are not enough funds on it' : 'the bank did not accept it';
      return `Your card was declined: ${reason}. Nothing was charged, and your cart is open again. Try another card.`;
    }
    case 'cart-locked':
      return 'Your cart is being checked out right now, so it cannot change until that checkout finishes.';
    case 'cart-empty':
      return 'Your cart is empty. Add something before checking out.';
    case 'product-unavailable':
      return 'An item in your cart is no longer sold. Remove it from your cart and try again.';
    case 'cart-total-too-large':
      return 'Your cart adds up to more than one order can be. Lower a quantity or split it into two orders; nothing was charged.';
    case 'currency-mismatch':
      return 'That item is priced in another currency than your cart, so it cannot be added.';
    case 'cart-full':
      return 'Your cart is full. Remove an item before adding another.';
    case 'email-taken':
      return 'An account with that e-mail already exists. Log in instead.';
    case 'invalid-credentials':
      return 'That e-mail and password do not match an account.';
    case 'idempotency-key-reused':
      return 'That checkout attempt was already made with other details. Please submit again.';
    case 'cross-site-request':
      return 'This request came from another site and was refused.';
  }
  if (status === 429) return `Too many requests right now. Please wait ${seconds(response?.headers.get('retry-after') ?? null)} and try again.`;
  if (status === 401) return 'Your session has ended. Please log in again.';
  if (status === 403) return 'You are not allowed to do that.';
  if (status === 404) return 'We could not find that.';
  if (status === 400) {
    const first = problem?.errors?.[0];
    return first ? `Please check the form: ${first.field.replace(/^body\./, '')} ${first.message}.` : 'Please check the form and try again.';
  }
  if (status >= 500) return 'Part of the shop is not answering right now. Please try again in a moment.';
  return detail ?? problem?.title ?? `The shop answered with an error (${status}).`;
}

/** An openapi-fetch result's error as a ShopError. */
export function shopError(error: unknown, response: Response): ShopError {
  const problem = error && typeof error === 'object' ? (error as Problem & Record<string, unknown>) : undefined;
  return new ShopError(sentenceFor(response.status, problem, response), response.status, problem, fieldErrorsOf(problem));
}

/** Unwraps an openapi-fetch call: its data, or a ShopError with a sentence; a network failure is one too. */
export async function call<T>(pending: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await pending;
  } catch (error) {
    if (error instanceof ShopError) throw error;
    throw new ShopError(UNREACHABLE, 0);
  }
  if (result.response.ok) return result.data as T;
  throw shopError(result.error, result.response);
}

export function messageOf(error: unknown): string {
  return error instanceof ShopError ? error.message : UNREACHABLE;
}
