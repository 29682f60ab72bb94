/** The storefront's plain sentences for the shop's problem+json answers. */
import { formatMoney } from '../../web/src/money';
import { call, sentenceFor, ShopError } from '../../web/src/problems';

const problem = (type: string, status: number, detail?: string) => ({ type, title: 'title', status, ...(detail ? { detail } : {}) });

it('reads a rate limit with its Retry-After as a sentence', () => {
  const response = new Response(null, { status: 429, headers: { 'retry-after': '42' } });
  expect(sentenceFor(429, problem('rate-limited', 429), response)).toBe('Too many requests right now. Please wait 42 seconds and try again.');
  expect(sentenceFor(429, undefined, new Response(null, { status: 429 }))).toBe('Too many requests right now. Please wait a minute and try again.');
});

it('says what a declined card and missing stock mean for the shopper', () => {
  expect(sentenceFor(402, { ...problem('payment-declined', 402, 'Charge ch_1 was declined: generic_decline'), declineReason: 'PaymentDeclined' })).toBe(
    'Your card was declined: the bank did not accept it. Nothing was charged, and your cart is open again. Try another card.',
  );
  expect(sentenceFor(402, { ...problem('payment-declined', 402), failureType: 'InsufficientFunds' })).toMatch(/^Your card was declined: there are not enough funds on it\./);
  expect(sentenceFor(409, problem('out-of-stock', 409, 'Not enough stock for MUG'))).toMatch(/^Sorry, we do not have enough stock .*\(Not enough stock for MUG\)\. Nothing was charged, and your cart is open again/);
});

it('turns an answer into data or a ShopError with the field errors, and a lost connection into a sentence', async () => {
  await expect(call(Promise.resolve({ data: { ok: true }, response: new Response('{}', { status: 200 }) }))).resolves.toEqual({ ok: true });
  const refused = call(
    Promise.resolve({
      error: { ...problem('validation-failed', 400), errors: [{ field: 'body.card.number', message: 'must pass the Luhn check' }] },
      response: new Response(null, { status: 400 }),
    }),
  );
  await expect(refused).rejects.toMatchObject({ status: 400, fields: { 'card.number': 'must pass the Luhn check' }, message: 'Please check the form: card.number must pass the Luhn check.' });
  await expect(call(Promise.reject(new TypeError('fetch failed')))).rejects.toEqual(new ShopError('We could not reach the shop. Check your connection and try again.', 0));
});

it('formats minor units in the currency with Intl', () => {
  expect(formatMoney(3750, 'USD')).toBe('$37.50');
  expect(formatMoney(1500, 'JPY')).toBe('¥1,500');
  expect(formatMoney(1234, 'KWD')).toBe('KWD\u00a01.234');
});
