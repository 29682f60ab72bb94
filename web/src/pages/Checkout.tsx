import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, type Address, type Checkout, type ShippingAddress } from '../api/client';
import { COUNTRY_CODES } from '../api/countries.gen';
import { useCart } from '../cart';
import { attemptFor, expectedCheckoutId, finishAttempt, fingerprintOf, pendingAttempt, saveAttempt, type CheckoutAttempt } from '../checkout-attempt';
import { isFinished, progressOf } from '../checkout-progress';
import { ErrorMessage, Field, Loading, Notice } from '../components';
import { formatMoney } from '../money';
import { call, messageOf, shopError, ShopError, type FieldErrors } from '../problems';
import { NOT_STARTED, ProgressSteps } from '../progress-view';
import { Link, navigate, usePageTitle } from '../router';
import { useSession, type SessionUser } from '../session';
import { useLoad } from '../use-load';
import { CartContents } from './Cart';

export const TEST_CARDS = [
  { number: '4242 4242 4242 4242', outcome: 'Paid' },
  { number: '5555 5555 5555 4444', outcome: 'Paid (Mastercard)' },
  { number: '4000 0000 0000 0002', outcome: 'Declined' },
  { number: '4000 0000 0000 9995', outcome: 'Declined: insufficient funds' },
  { number: '4000 0000 0000 0119', outcome: 'Provider down: retried, then the shop looks at it' },
];

const POLL_MS = 600;
const NEW_ADDRESS = 'new';
const countryNames = new Intl.DisplayNames(['en'], { type: 'region' });
const COUNTRIES = COUNTRY_CODES.map((code) => ({ code, name: countryNames.of(code) ?? code })).sort((a, b) => a.name.localeCompare(b.name));

type AddressForm = Record<'name' | 'line1' | 'line2' | 'city' | 'postalCode' | 'country', string>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function CheckoutPage() {
  usePageTitle('Checkout');
  const { status, user } = useSession();
  if (status === 'loading') return <Loading what="your session" />;
  if (!user) {
    return (
      <>
        <h1 tabIndex={-1}>Checkout</h1>
        <p>
          <Link to="/login?next=%2Fcheckout">Log in</Link> to check out.
        </p>
      </>
    );
  }
  return <CheckoutForm user={user} />;
}

function toShipping(form: AddressForm): ShippingAddress {
  const trimmed = Object.fromEntries(Object.entries(form).map(([key, value]) => [key, value.trim()])) as AddressForm;
  const { line2, ...rest } = trimmed;
  return { ...rest, ...(line2 ? { line2 } : {}) };
}

function parseCard(card: { number: string; expiry: string; cvc: string }): { fields: FieldErrors; value?: { number: string; expMonth: number; expYear: number; cvc: string } } {
  const fields: FieldErrors = {};
  const number = card.number.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(number)) fields['card.number'] = 'Enter the 12 to 19 digits on the card.';
  const expiry = /^(\d{1,2})\s*\/\s*(\d{2}|\d{4})$/.exec(card.expiry.trim());
  const expMonth = Number(expiry?.[1]);
  const year = Number(expiry?.[2]);
  const expYear = year < 100 ? 2000 + year : year;
  if (!expiry || expMonth < 1 || expMonth > 12) fields['card.expiry'] = 'Enter the expiry as MM/YY, for example 12/30.';
  if (!/^\d{3,4}$/.test(card.cvc.trim())) fields['card.cvc'] = 'Enter the 3 or 4 digits on the back.';
  return Object.keys(fields).length > 0 ? { fields } : { fields, value: { number, expMonth, expYear, cvc: card.cvc.trim() } };
}

function CheckoutForm({ user }: { user: SessionUser }) {
  const { cart, reload: reloadCart, loading: cartLoading, error: cartError } = useCart();
  const profile = useLoad(() => call(api.GET('/users/{userId}', { params: { path: { userId: user.id } } })), [user.id]);
  const saved: Address[] = profile.data?.addresses ?? [];
  const [choice, setChoice] = useState<string>();
  const [address, setAddress] = useState<AddressForm>({ name: user.name, line1: '', line2: '', city: '', postalCode: '', country: '' });
  const [keepAddress, setKeepAddress] = useState(false);
  const [card, setCard] = useState({ number: '', expiry: '', cvc: '' });
  const [fields, setFields] = useState<FieldErrors>({});
  const [submitting, setSubmitting] = useState(false);
  const [outcome, setOutcome] = useState<{ kind: 'error' | 'warning'; message: string }>();
  const [live, setLive] = useState<Checkout>();
  const [unanswered, setUnanswered] = useState<CheckoutAttempt | undefined>(() => pendingAttempt(user.id));
  // A second click before the first one's render: ignored here; the Idempotency-Key covers every other repeat.
  const inFlight = useRef(false);
  const outcomeRef = useRef<HTMLDivElement>(null);

  const addressChoice = choice ?? (saved.length > 0 ? '0' : NEW_ADDRESS);

  // Back from a reload while an attempt had no answer: when its checkout exists, follow it there.
  useEffect(() => {
    const attempt = pendingAttempt(user.id);
    if (!attempt) return;
    let cancelled = false;
    void (async () => {
      const id = attempt.checkoutId ?? (await expectedCheckoutId(user.id, attempt.key));
      if (!id || cancelled) return;
      const { data } = await api.GET('/checkouts/{checkoutId}', { params: { path: { checkoutId: id } } }).catch(() => ({ data: undefined }));
      if (!data || cancelled) return;
      if (isFinished(data)) {
        finishAttempt(attempt.key);
        setUnanswered(undefined);
        return;
      }
      saveAttempt({ ...attempt, checkoutId: data.id });
      navigate(`/checkout/${data.id}`, { replace: true });
    })();
    return () => {
      cancelled = true;
    };
  }, [user.id]);

  useEffect(() => {
    if (outcome) outcomeRef.current?.focus();
  }, [outcome]);

  /** Follows the attempt's checkout while POST /checkouts waits for its outcome. */
  const follow = (attempt: CheckoutAttempt): (() => void) => {
    let stopped = false;
    void (async () => {
      const id = attempt.checkoutId ?? (await expectedCheckoutId(user.id, attempt.key));
      while (id && !stopped) {
        const { data } = await api.GET('/checkouts/{checkoutId}', { params: { path: { checkoutId: id } } }).catch(() => ({ data: undefined }));
        if (stopped) break;
        if (data) setLive(data);
        await sleep(POLL_MS);
      }
    })();
    return () => {
      stopped = true;
    };
  };

  const followToEnd = async (checkoutId: string) => {
    for (;;) {
      const { data } = await api.GET('/checkouts/{checkoutId}', { params: { path: { checkoutId } } }).catch(() => ({ data: undefined }));
      if (data) setLive(data);
      if (!data || isFinished(data)) return;
      await sleep(POLL_MS);
    }
  };

  const place = async (first: CheckoutAttempt, cardDetails?: { number: string; expMonth: number; expYear: number; cvc: string }) => {
    inFlight.current = true;
    setSubmitting(true);
    setOutcome(undefined);
    setLive(undefined);
    let attempt = first;
    const stopFollowing = follow(attempt);
    try {
      if (!attempt.paymentMethodId) {
        if (!cardDetails) throw new ShopError('Enter your card details again.', 0);
        const method = await call(api.POST('/payment-methods', { body: { card: cardDetails, customerId: user.id } }));
        attempt = { ...attempt, paymentMethodId: method.id, card: { brand: method.brand, last4: method.last4 } };
        saveAttempt(attempt);
      }
      const { data, error, response } = await api.POST('/checkouts', {
        params: { header: { 'Idempotency-Key': attempt.key } },
        body: { paymentMethodId: attempt.paymentMethodId!, shippingAddress: attempt.shippingAddress },
      });
      if (data) {
        // Paid and ordered (201): this attempt is over. Still under way (202): kept, so a reload finds its checkout.
        if (response.status === 201) finishAttempt(attempt.key);
        else saveAttempt({ ...attempt, checkoutId: data.id });
        if (keepAddress && addressChoice === NEW_ADDRESS) void saveToProfile(user.id, saved, attempt.shippingAddress);
        navigate(`/checkout/${data.id}`);
        return;
      }
      const failure = shopError(error, response);
      const checkoutId = failure.problem?.checkoutId;
      if (typeof checkoutId === 'string' || failure.type === 'idempotency-key-reused') {
        // The checkout ended without an order: the next submit is a new attempt.
        finishAttempt(attempt.key);
        setUnanswered(undefined);
        setOutcome({ kind: 'error', message: failure.message });
        stopFollowing();
        // The answer comes as soon as the failure is known; the steps are undone just after. Show them, then the open cart.
        if (typeof checkoutId === 'string') await followToEnd(checkoutId);
        await reloadCart();
        return;
      }
      throw failure;
    } catch (error) {
      const failure = error instanceof ShopError ? error : new ShopError(messageOf(error), 0);
      if (Object.keys(failure.fields).length > 0) {
        setFields(failure.fields);
        // A refused card or address never started a checkout: a corrected one starts afresh.
        finishAttempt(attempt.key);
        setOutcome({ kind: 'error', message: failure.message });
      } else {
        setUnanswered(pendingAttempt(user.id));
        setOutcome({
          kind: 'error',
          message: `${failure.message} Submitting again is safe: it continues the same checkout and never places a second order.`,
        });
      }
      setLive(undefined);
    } finally {
      stopFollowing();
      inFlight.current = false;
      setSubmitting(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (inFlight.current) return;
    const shipping = addressChoice === NEW_ADDRESS ? toShipping(address) : saved[Number(addressChoice)];
    const errors: FieldErrors = {};
    if (!shipping) errors.address = 'Choose an address.';
    if (addressChoice === NEW_ADDRESS) {
      for (const [field, label] of [['name', 'your name'], ['line1', 'the street and number'], ['city', 'the city'], ['postalCode', 'the postal code'], ['country', 'the country']] as const) {
        if (!address[field].trim()) errors[`shippingAddress.${field}`] = `Enter ${label}.`;
      }
    }
    const parsed = parseCard(card);
    Object.assign(errors, parsed.fields);
    setFields(errors);
    if (Object.keys(errors).length > 0 || !shipping || !parsed.value) {
      setOutcome({ kind: 'error', message: 'Please correct the highlighted fields.' });
      return;
    }
    const { label: _label, ...shippingAddress } = shipping as Address;
    const attempt = attemptFor(user.id, fingerprintOf(shippingAddress, { last4: parsed.value.number.slice(-4), ...parsed.value }), shippingAddress);
    void place(attempt, parsed.value);
  };

  if (cartLoading && !cart) return <Loading what="your cart" />;
  if (cartError && !cart) return <ErrorMessage error={cartError} retry={() => void reloadCart()} />;
  if (!cart) return null;

  const total = formatMoney(cart.total.amount, cart.total.currency);
  const empty = cart.items.length === 0;
  const setAddressField = (field: keyof AddressForm) => (event: { target: { value: string } }) => setAddress({ ...address, [field]: event.target.value });

  return (
    <>
      <h1 tabIndex={-1}>Checkout</h1>
      {unanswered && !submitting && !outcome && (
        <Notice kind="warning" role="status">
          <p>
            Your last attempt{unanswered.card ? ` (card ending ${unanswered.card.last4})` : ''} did not get an answer. Submitting it again is safe: it continues the same
            checkout and never places a second order.
          </p>
          <div className="actions">
            {unanswered.paymentMethodId && (
              <button type="button" onClick={() => void place(unanswered)}>
                Submit it again
              </button>
            )}
            <button
              type="button"
              className="button-secondary"
              onClick={() => {
                finishAttempt(unanswered.key);
                setUnanswered(undefined);
              }}
            >
              Start over
            </button>
          </div>
        </Notice>
      )}
      <div ref={outcomeRef} tabIndex={-1} className="outcome">
        {outcome && (
          <Notice kind={outcome.kind} role="alert">
            <p>{outcome.message}</p>
          </Notice>
        )}
      </div>
      {(submitting || live) && <ProgressSteps progress={live ? progressOf(live) : NOT_STARTED} />}

      <div className="checkout-layout">
        <section aria-labelledby="summary-title" className="checkout-summary">
          <h2 id="summary-title">Your order</h2>
          <CartContents cart={cart} readOnly />
          {cart.status === 'checking_out' && !submitting && <Notice kind="info">A checkout is already running on this cart.</Notice>}
        </section>

        {!empty && (
          <form className="checkout-form" onSubmit={submit} noValidate aria-labelledby="pay-title">
            <h2 id="pay-title">Shipping and payment</h2>
            <fieldset>
              <legend>Shipping address</legend>
              {profile.loading && !profile.data && <Loading what="your saved addresses" />}
              {saved.map((saved, index) => (
                <label key={index} className="choice">
                  <input type="radio" name="address" value={String(index)} checked={addressChoice === String(index)} onChange={() => setChoice(String(index))} />
                  <span>
                    {saved.label && <strong>{saved.label}: </strong>}
                    {[saved.name, saved.line1, saved.line2, saved.city, saved.postalCode, saved.country].filter(Boolean).join(', ')}
                  </span>
                </label>
              ))}
              {saved.length > 0 && (
                <label className="choice">
                  <input type="radio" name="address" value={NEW_ADDRESS} checked={addressChoice === NEW_ADDRESS} onChange={() => setChoice(NEW_ADDRESS)} />
                  <span>A new address</span>
                </label>
              )}
              {addressChoice === NEW_ADDRESS && (
                <div className="address-fields">
                  <Field label="Full name" autoComplete="name" value={address.name} onChange={setAddressField('name')} error={fields['shippingAddress.name']} required maxLength={200} />
                  <Field label="Address line 1" autoComplete="address-line1" value={address.line1} onChange={setAddressField('line1')} error={fields['shippingAddress.line1']} required maxLength={200} />
                  <Field label="Address line 2 (optional)" autoComplete="address-line2" value={address.line2} onChange={setAddressField('line2')} error={fields['shippingAddress.line2']} maxLength={200} />
                  <Field label="City" autoComplete="address-level2" value={address.city} onChange={setAddressField('city')} error={fields['shippingAddress.city']} required maxLength={100} />
                  <Field label="Postal code" autoComplete="postal-code" value={address.postalCode} onChange={setAddressField('postalCode')} error={fields['shippingAddress.postalCode']} required maxLength={20} />
                  <div className="field">
                    <label htmlFor="country">Country</label>
                    <select
                      id="country"
                      autoComplete="country"
                      value={address.country}
                      onChange={setAddressField('country')}
                      aria-invalid={fields['shippingAddress.country'] ? true : undefined}
                      aria-describedby={fields['shippingAddress.country'] ? 'country-error' : undefined}
                      required
                    >
                      <option value="">Choose a country</option>
                      {COUNTRIES.map((country) => (
                        <option key={country.code} value={country.code}>
                          {country.name}
                        </option>
                      ))}
                    </select>
                    {fields['shippingAddress.country'] && (
                      <p className="field-error" id="country-error">
                        {fields['shippingAddress.country']}
                      </p>
                    )}
                  </div>
                  <label className="choice">
                    <input type="checkbox" checked={keepAddress} onChange={(event) => setKeepAddress(event.target.checked)} />
                    <span>Save this address to my profile</span>
                  </label>
                </div>
              )}
            </fieldset>

            <fieldset>
              <legend>Card</legend>
              <div className="card-layout">
                <div>
                  <Field
                    label="Card number"
                    autoComplete="cc-number"
                    inputMode="numeric"
                    value={card.number}
                    onChange={(event) => setCard({ ...card, number: event.target.value })}
                    error={fields['card.number']}
                    required
                    maxLength={23}
                  />
                  <div className="inline-fields">
                    <Field
                      label="Expiry (MM/YY)"
                      autoComplete="cc-exp"
                      inputMode="numeric"
                      placeholder="12/30"
                      value={card.expiry}
                      onChange={(event) => setCard({ ...card, expiry: event.target.value })}
                      error={fields['card.expiry'] ?? fields['card.expMonth'] ?? fields['card.expYear']}
                      required
                      maxLength={7}
                    />
                    <Field
                      label="CVC"
                      autoComplete="cc-csc"
                      inputMode="numeric"
                      value={card.cvc}
                      onChange={(event) => setCard({ ...card, cvc: event.target.value })}
                      error={fields['card.cvc']}
                      required
                      maxLength={4}
                    />
                  </div>
                  <p className="hint">The payments service turns the card into a token; the shop never stores its number.</p>
                </div>
                <aside className="test-cards" aria-labelledby="test-cards-title">
                  <h3 id="test-cards-title">Test cards</h3>
                  <p className="hint">Any future expiry and any CVC.</p>
                  <ul>
                    {TEST_CARDS.map((test) => (
                      <li key={test.number}>
                        <button type="button" className="button-link-plain" onClick={() => setCard({ ...card, number: test.number })} aria-label={`Use test card ${test.number}: ${test.outcome}`}>
                          <span className="card-number">{test.number}</span>
                        </button>
                        <span className="muted"> {test.outcome}</span>
                      </li>
                    ))}
                  </ul>
                </aside>
              </div>
            </fieldset>

            <button type="submit" className="button-primary pay" disabled={submitting || cart.status === 'checking_out'} aria-disabled={submitting}>
              {submitting ? 'Placing your order…' : `Pay ${total}`}
            </button>
          </form>
        )}
      </div>
    </>
  );
}

async function saveToProfile(userId: string, saved: Address[], address: ShippingAddress): Promise<void> {
  // Best effort: the order stands whether or not the profile keeps the address.
  await api.PATCH('/users/{userId}', { params: { path: { userId } }, body: { addresses: [...saved, address].slice(-10) } }).catch(() => undefined);
}
