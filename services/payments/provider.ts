/**
 * The payment provider, as the payments service sees it: an outside party
 * over HTTP with Stripe's API and Stripe's idempotency (locally, the simulator
 * in simulators/payment-provider, through its typed client).
 *
 * Every answer says what is known of the request's outcome:
 * - what happened (charged, declined, refunded);
 * - `not_processed`: the provider says it did nothing (an outage, a
 *   processing error), so the payment may be tried again as a new attempt;
 * - `unknown`: no usable answer (a timeout, a lost connection, an error of
 *   ours or theirs). It may have happened, so it must be asked for again with
 *   the same Idempotency-Key, never with a new one.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { validationProblem } from '../../platform/http/problem';
import type { components } from '../../simulators/payment-provider/api.gen';
import { createPaymentProviderClient, LOCAL_API_KEY } from '../../simulators/payment-provider/client';
import { simulatorUrl } from '../../platform/services';
import { CARD_BRANDS, type CardBrand } from './entities';

type ProviderSchemas = components['schemas'];
export type ProviderCharge = ProviderSchemas['Charge'];
type ProviderErrorBody = ProviderSchemas['ErrorResponse']['error'];

export type DeclineCode = 'generic_decline' | 'insufficient_funds';

export type Unsettled = { outcome: 'not_processed'; reason: string } | { outcome: 'unknown'; reason: string };

/** The provider refused the request itself (an unknown card, nothing left to refund): nothing was done. */
export type Refused = { outcome: 'refused'; reason: string };

export type ChargeAnswer =
  | { outcome: 'succeeded'; providerChargeId: string }
  | { outcome: 'declined'; providerChargeId: string | null; declineCode: DeclineCode }
  | Refused
  | Unsettled;

export type RefundAnswer = { outcome: 'succeeded'; providerRefundId: string } | Refused | Unsettled;

export interface ChargeParams {
  amount: number;
  currency: string;
  paymentMethod: string;
  description: string | null;
  metadata: Record<string, string>;
}

export interface RefundParams {
  providerChargeId: string;
  amount: number;
  metadata: Record<string, string>;
}

/** Tokenising failed in a way a retry may fix: nothing is recorded, the caller gets 503. */
export class ProviderUnavailableError extends Error {
  override name = 'ProviderUnavailableError';
}

export interface ProviderConfig {
  url: string;
  apiKey: string;
  timeoutMs?: number;
}

/**
 * Where the provider is: `PAYMENT_PROVIDER_URL` and `PAYMENT_PROVIDER_API_KEY`,
 * defaulting to the local simulator; in production both must be set, so a
 * deployment never talks to a simulator by accident. `PAYMENT_PROVIDER_TIMEOUT_MS`
 * bounds each call (default 10 s); a call that runs out has an unknown outcome.
 */
export function providerConfigFromEnv(env: Record<string, string | undefined>): ProviderConfig {
  const url = env.PAYMENT_PROVIDER_URL;
  const apiKey = env.PAYMENT_PROVIDER_API_KEY;
  if (env.NODE_ENV === 'production' && (!url || !apiKey)) {
    throw new Error('payments: set PAYMENT_PROVIDER_URL and PAYMENT_PROVIDER_API_KEY (the payment provider); NODE_ENV=production has no default for them');
  }
  const timeoutMs = env.PAYMENT_PROVIDER_TIMEOUT_MS ? Number(env.PAYMENT_PROVIDER_TIMEOUT_MS) : undefined;
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
    throw new Error('payments: PAYMENT_PROVIDER_TIMEOUT_MS must be a whole number of milliseconds above 0');
  }
  return { url: url || simulatorUrl('payment-provider', env), apiKey: apiKey || LOCAL_API_KEY, ...(timeoutMs ? { timeoutMs } : {}) };
}

/**
 * How long to wait before asking again when the provider answers 409 (another
 * request with the same key is still at work there). Such a request lasts
 * milliseconds; Stripe's own clients retry these too.
 */
const IN_PROGRESS_RETRY_DELAYS_MS = [25, 50, 100, 200, 400, 800, 1000, 1000, 1000, 1000, 1000, 1000];

const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

function isInProgress(status: number, error: ProviderErrorBody | undefined): boolean {
  return status === 409 && error?.type === 'idempotency_error';
}

/** 400 `invalid_request_error`: the request was refused as it stands (not an idempotency_error, which would be a bug of ours). */
function isRefusal(status: number, error: ProviderErrorBody | undefined): error is ProviderErrorBody {
  return status === 400 && error?.type === 'invalid_request_error';
}

function notProcessed(status: number, error: ProviderErrorBody | undefined): boolean {
  // The provider's outage answer: documented as "not processed, nothing stored under the key".
  return status === 503 && error?.type === 'api_error';
}

/** The provider's parameter names for the card, as the payments API names them. */
const CARD_FIELDS: Readonly<Record<string, string>> = {
  'card[number]': 'body.card.number',
  'card[exp_month]': 'body.card.expMonth',
  'card[exp_year]': 'body.card.expYear',
  'card[cvc]': 'body.card.cvc',
};

export type PaymentProvider = ReturnType<typeof createPaymentProvider>;

export function createPaymentProvider(config: ProviderConfig) {
  const client = createPaymentProviderClient(config.url, { apiKey: config.apiKey, ...(config.timeoutMs ? { timeoutMs: config.timeoutMs } : {}) });
  /** A POST with an Idempotency-Key, asked again while the provider says the same key is still at work. */
  async function postOnce<T>(
    call: () => Promise<{ data?: T; error?: { error: ProviderErrorBody }; response: Response }>,
  ): Promise<{ data?: T; error?: ProviderErrorBody; status: number } | { lost: string }> {
    for (let attempt = 0; ; attempt++) {
      let result;
      try {
        result = await call();
      } catch (error) {
        return { lost: describe(error) };
      }
      const status = result.response.status;
      const error = result.error?.error;
      const delay = IN_PROGRESS_RETRY_DELAYS_MS[attempt];
      if (!isInProgress(status, error) || delay === undefined) return { data: result.data, error, status };
      await sleep(delay);
    }
  }

  const unsettled = (status: number, error: ProviderErrorBody | undefined): Unsettled =>
    notProcessed(status, error)
      ? { outcome: 'not_processed', reason: error?.message ?? 'the provider is unavailable' }
      : { outcome: 'unknown', reason: `the provider answered ${status}${error ? `: ${error.type} ${error.message}` : ''}` };

  return {
    /**
     * Hands the card to the provider, which keeps it; we keep its token and what a receipt shows. No key:
     * a repeat makes a second token for the same card, which is harmless.
     */
    async tokenise(card: { number: string; expMonth: number; expYear: number; cvc: string }): Promise<{ token: string; brand: CardBrand; last4: string }> {
      let result;
      try {
        result = await client.POST('/v1/payment_methods', {
          body: { type: 'card', card: { number: card.number, exp_month: card.expMonth, exp_year: card.expYear, cvc: card.cvc } },
        });
      } catch (error) {
        throw new ProviderUnavailableError(`the provider did not answer: ${describe(error)}`);
      }
      if (result.data) {
        const { brand, last4 } = result.data.card;
        return { token: result.data.id, brand: (CARD_BRANDS as readonly string[]).includes(brand) ? (brand as CardBrand) : 'unknown', last4 };
      }
      const error = result.error?.error;
      if (result.response.status === 402 && error) {
        // The provider refused the card itself (our validation let it through): name the field as our API calls it.
        throw validationProblem([{ field: CARD_FIELDS[error.param ?? ''] ?? 'body.card', message: error.message }]);
      }
      throw new ProviderUnavailableError(`the provider answered ${result.response.status}${error ? `: ${error.message}` : ''}`);
    },

    async charge(idempotencyKey: string, params: ChargeParams): Promise<ChargeAnswer> {
      const result = await postOnce(() =>
        client.POST('/v1/charges', {
          params: { header: { 'Idempotency-Key': idempotencyKey } },
          body: {
            amount: params.amount,
            currency: params.currency.toLowerCase(),
            payment_method: params.paymentMethod,
            ...(params.description ? { description: params.description } : {}),
            metadata: params.metadata,
          },
        }),
      );
      if ('lost' in result) return { outcome: 'unknown', reason: result.lost };
      if (result.data) return { outcome: 'succeeded', providerChargeId: result.data.id };
      const error = result.error;
      if (result.status === 402 && error?.code === 'card_declined') {
        return { outcome: 'declined', providerChargeId: error.charge ?? null, declineCode: error.decline_code === 'insufficient_funds' ? 'insufficient_funds' : 'generic_decline' };
      }
      if (result.status === 402 && error?.code === 'processing_error') return { outcome: 'not_processed', reason: error.message };
      if (isRefusal(result.status, error)) return { outcome: 'refused', reason: error.message };
      return unsettled(result.status, error);
    },

    /** The charge made for `metadata[key] = value`, if the provider has one; throws when it cannot be asked. */
    async findCharge(key: string, value: string): Promise<ProviderCharge | undefined> {
      const { data, error, response } = await client.GET('/v1/charges/search', { params: { query: { query: `metadata['${key}']:'${value}'`, limit: 1 } } });
      if (!data) throw new ProviderUnavailableError(`searching the provider's charges failed: ${response.status} ${error?.error.message ?? ''}`);
      return data.data[0];
    },

    async refund(idempotencyKey: string, params: RefundParams): Promise<RefundAnswer> {
      const result = await postOnce(() =>
        client.POST('/v1/refunds', {
          params: { header: { 'Idempotency-Key': idempotencyKey } },
          body: { charge: params.providerChargeId, amount: params.amount, metadata: params.metadata },
        }),
      );
      if ('lost' in result) return { outcome: 'unknown', reason: result.lost };
      if (result.data) return { outcome: 'succeeded', providerRefundId: result.data.id };
      if (isRefusal(result.status, result.error)) return { outcome: 'refused', reason: result.error.message };
      return unsettled(result.status, result.error);
    },

    /** The refund of `providerChargeId` whose metadata has `key` = `value`, if the provider made one. */
    async findRefund(providerChargeId: string, key: string, value: string) {
      const { data, error, response } = await client.GET('/v1/refunds', { params: { query: { charge: providerChargeId, limit: 100 } } });
      if (!data) throw new ProviderUnavailableError(`listing the provider's refunds failed: ${response.status} ${error?.error.message ?? ''}`);
      return data.data.find((refund) => refund.metadata[key] === value);
    },
  };
}

/** What a found charge tells about an attempt, in the terms of a charge answer. */
export function answerFromCharge(charge: ProviderCharge): ChargeAnswer {
  if (charge.status === 'succeeded') return { outcome: 'succeeded', providerChargeId: charge.id };
  if (charge.failure_code === 'processing_error') return { outcome: 'not_processed', reason: charge.failure_message ?? 'processing error' };
  return { outcome: 'declined', providerChargeId: charge.id, declineCode: charge.outcome.reason === 'insufficient_funds' ? 'insufficient_funds' : 'generic_decline' };
}
