/**
 * The payment provider behind the payments service, kept behind a small
 * interface so a real one (Stripe, Adyen) could slot in: the provider keeps
 * the card, this service keeps only the provider's token for it.
 *
 * The fake provider behaves like Stripe's test mode: the card number decides
 * what happens when the card is charged. That behaviour is decided once, at
 * tokenisation, and stored with the token, so the number is never needed again.
 */
import { randomBytes } from 'node:crypto';
import type { CardBehaviour } from './entities';

export type DeclineCode = 'generic_decline' | 'insufficient_funds';

export interface ProviderMoney {
  /** Minor units. */
  amount: number;
  currency: string;
}

export interface ProviderCard {
  token: string;
  behaviour: CardBehaviour;
}

export type ProviderChargeResult =
  | { outcome: 'succeeded'; providerChargeId: string }
  | { outcome: 'declined'; declineCode: DeclineCode };

export interface PaymentProvider {
  tokeniseCard(number: string): Promise<ProviderCard>;
  charge(card: ProviderCard, money: ProviderMoney): Promise<ProviderChargeResult>;
  refund(providerChargeId: string, money: ProviderMoney): Promise<{ providerRefundId: string }>;
}

/** A transient failure (a processing error, an outage): nothing happened at the provider, so a retry may succeed. */
export class ProviderUnavailableError extends Error {
  override name = 'ProviderUnavailableError';

  constructor(
    readonly code: 'processing_error' | 'outage',
    message: string,
  ) {
    super(message);
  }
}

/** Stripe's test card numbers; any other valid number succeeds. */
const TEST_CARDS: Readonly<Record<string, CardBehaviour>> = {
  '4000000000000002': 'generic_decline',
  '4000000000009995': 'insufficient_funds',
  '4000000000000119': 'processing_error',
};

/** `PAYMENTS_PROVIDER_OUTAGE=true` makes every provider call fail transiently. */
export const OUTAGE_ENV = 'PAYMENTS_PROVIDER_OUTAGE';

function randomId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

export interface FakeProviderOptions {
  /** Asked on every call, so an outage can start and end while the service runs (tests flip the env var). */
  outage?: () => boolean;
}

export function createFakePaymentProvider(options: FakeProviderOptions = {}): PaymentProvider {
  const outage = options.outage ?? (() => process.env[OUTAGE_ENV] === 'true');
  const failIfDown = () => {
    if (outage()) throw new ProviderUnavailableError('outage', 'The payment provider is unavailable');
  };

  return {
    async tokeniseCard(number) {
      failIfDown();
      return { token: randomId('tok_fake'), behaviour: TEST_CARDS[number] ?? 'succeed' };
    },

    async charge(card) {
      failIfDown();
      switch (card.behaviour) {
        case 'succeed':
          return { outcome: 'succeeded', providerChargeId: randomId('fake_ch') };
        case 'processing_error':
          throw new ProviderUnavailableError('processing_error', 'The payment provider could not process the charge');
        default:
          return { outcome: 'declined', declineCode: card.behaviour };
      }
    },

    async refund() {
      failIfDown();
      return { providerRefundId: randomId('fake_re') };
    },
  };
}
