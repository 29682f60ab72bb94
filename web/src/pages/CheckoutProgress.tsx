import { useEffect, useState } from 'react';
import { api, type Checkout } from '../api/client';
import { useCart } from '../cart';
import { finishAttempt, pendingAttempt } from '../checkout-attempt';
import { isFinished, progressOf } from '../checkout-progress';
import { ErrorMessage, Loading, Notice, Price } from '../components';
import { call, messageOf } from '../problems';
import { failureSentence, ProgressSteps } from '../progress-view';
import { Link, usePageTitle } from '../router';
import { useSession } from '../session';

const POLL_MS = 700;

export function CheckoutProgressPage({ checkoutId }: { checkoutId: string }) {
  usePageTitle('Your checkout');
  const { user, status } = useSession();
  const { reload: reloadCart } = useCart();
  const [view, setView] = useState<Checkout>();
  const [error, setError] = useState<unknown>();
  const [cancelling, setCancelling] = useState<{ busy?: boolean; error?: string }>({});

  useEffect(() => {
    if (!user) return;
    let stopped = false;
    void (async () => {
      while (!stopped) {
        try {
          const current = await call(api.GET('/checkouts/{checkoutId}', { params: { path: { checkoutId } } }));
          if (stopped) return;
          setView(current);
          setError(undefined);
          if (isFinished(current)) {
            // An outcome: the next checkout is a new attempt with a new key, and the cart is emptied or open again.
            const attempt = pendingAttempt(user.id);
            if (attempt?.checkoutId === checkoutId) finishAttempt(attempt.key);
            void reloadCart();
            return;
          }
        } catch (failure) {
          if (stopped) return;
          setError(failure);
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    })();
    return () => {
      stopped = true;
    };
  }, [checkoutId, user, reloadCart]);

  const cancel = async () => {
    setCancelling({ busy: true });
    try {
      setView(await call(api.POST('/checkouts/{checkoutId}/cancel', { params: { path: { checkoutId } }, body: { reason: 'cancelled by the customer in the shop' } })));
      setCancelling({});
    } catch (failure) {
      setCancelling({ error: messageOf(failure) });
    }
  };

  if (status === 'loading') return <Loading what="your session" />;
  if (!user) {
    return (
      <>
        <h1 tabIndex={-1}>Your checkout</h1>
        <p>
          <Link to={`/login?next=${encodeURIComponent(`/checkout/${checkoutId}`)}`}>Log in</Link> to follow your checkout.
        </p>
      </>
    );
  }
  const progress = view ? progressOf(view) : undefined;
  return (
    <>
      <h1 tabIndex={-1}>Your checkout</h1>
      {!view && !error && <Loading what="your checkout" />}
      {error && !view ? <ErrorMessage error={error} /> : null}
      {error && view ? <p className="muted">Updates paused: {messageOf(error)} Still trying…</p> : null}
      {view && progress && (
        <>
          <ProgressSteps progress={progress} />
          <div aria-live="polite">
            {progress.outcome === 'completed' && (
              <Notice kind="success">
                <p>Thank you! Your order is placed and paid, and we have sent you a confirmation.</p>
                {view.orderId && (
                  <p>
                    <Link to={`/account/orders/${view.orderId}`}>View your order</Link>
                  </p>
                )}
              </Notice>
            )}
            {progress.outcome === 'running' && view.orderId && (
              <Notice kind="success">
                <p>Your order is placed and paid. Finishing up…</p>
                <p>
                  <Link to={`/account/orders/${view.orderId}`}>View your order</Link>
                </p>
              </Notice>
            )}
            {progress.outcome === 'waiting' && (
              <Notice kind="warning">
                A service is slow to answer, so someone at the shop is looking at your checkout. It will be finished or undone; you are never charged twice. You can leave this page.
              </Notice>
            )}
            {progress.outcome === 'undoing' && <Notice kind="warning">The checkout could not finish; undoing what was done…</Notice>}
            {progress.outcome === 'failed' && (
              <Notice kind="error" role="alert">
                <p>{failureSentence(view)}</p>
                <p>
                  <Link to="/cart">Back to your cart</Link>
                </p>
              </Notice>
            )}
          </div>
          {!progress.charged && !isFinished(view) && progress.outcome !== 'undoing' && (
            <p>
              <button type="button" className="button-secondary" onClick={() => void cancel()} disabled={cancelling.busy}>
                Cancel this checkout
              </button>
              {cancelling.error && <span className="field-error"> {cancelling.error}</span>}
            </p>
          )}
          {view.lines && view.total && (
            <section aria-labelledby="lines-title">
              <h2 id="lines-title">What you are buying</h2>
              <ul className="lines">
                {view.lines.map((line) => (
                  <li key={line.sku}>
                    {line.quantity} × {line.name} — <Price amount={line.unitPrice * line.quantity} currency={view.total!.currency} />
                  </li>
                ))}
              </ul>
              <p>
                Total: <Price amount={view.total.amount} currency={view.total.currency} />
              </p>
            </section>
          )}
        </>
      )}
    </>
  );
}
