import { useEffect, useState } from 'react';
import type { Cart } from '../api/client';
import { useCart } from '../cart';
import { ErrorMessage, Loading, Notice, Price } from '../components';
import { messageOf } from '../problems';
import { Link, usePageTitle } from '../router';
import { useSession } from '../session';

const LOCKED_POLL_MS = 1_500;

export function CartPage() {
  usePageTitle('Your cart');
  const { status } = useSession();
  const { cart, loading, error, reload } = useCart();
  // A checkout holds the cart: look again until it lets go (it empties it, or unlocks it after a failure).
  const locked = cart?.status === 'checking_out';
  useEffect(() => {
    if (!locked) return;
    const timer = setInterval(() => void reload(), LOCKED_POLL_MS);
    return () => clearInterval(timer);
  }, [locked, reload]);
  return (
    <>
      <h1 tabIndex={-1}>Your cart</h1>
      {status === 'signed-out' && (
        <p>
          <Link to="/login?next=%2Fcart">Log in</Link> to see your cart.
        </p>
      )}
      {status === 'loading' || (loading && !cart) ? <Loading what="your cart" /> : null}
      {error && !cart ? <ErrorMessage error={error} retry={() => void reload()} /> : null}
      {cart && <CartContents cart={cart} />}
    </>
  );
}

export function CartContents({ cart, readOnly = false }: { cart: Cart; readOnly?: boolean }) {
  const locked = cart.status === 'checking_out';
  if (cart.items.length === 0) {
    return (
      <Notice kind="info">
        Your cart is empty. <Link to="/">Browse the shop</Link>.
      </Notice>
    );
  }
  const blocked = cart.items.some((item) => !item.available);
  const fixed = readOnly || locked;
  return (
    <section aria-label="Cart contents">
      {locked && !readOnly && (
        <Notice kind="info">
          A checkout is running on this cart, so it cannot change until it finishes.{' '}
          {cart.checkoutId && <Link to={`/checkout/${encodeURIComponent(cart.checkoutId)}`}>Follow the checkout</Link>}
        </Notice>
      )}
      {!cart.pricesCurrent && <Notice kind="warning">Prices could not be checked right now; these are the prices when you added each item.</Notice>}
      <table className="cart-table">
        <caption className="visually-hidden">Items in your cart</caption>
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col">Price</th>
            <th scope="col">Quantity</th>
            <th scope="col" className="numeric">
              Total
            </th>
            {!fixed && (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {cart.items.map((item) => (
            <CartLine key={item.sku} item={item} readOnly={fixed} />
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={3}>
              Total ({cart.itemCount} {cart.itemCount === 1 ? 'item' : 'items'})
            </th>
            <td className="numeric total">
              <Price amount={cart.total.amount} currency={cart.total.currency} />
            </td>
            {!fixed && <td />}
          </tr>
        </tfoot>
      </table>
      {blocked && <Notice kind="warning">Some items can no longer be bought. Remove them to check out.</Notice>}
      {!readOnly && !locked && !blocked && (
        <p className="actions">
          <Link className="button-link" to="/checkout">
            Check out
          </Link>
        </p>
      )}
    </section>
  );
}

function CartLine({ item, readOnly }: { item: Cart['items'][number]; readOnly: boolean }) {
  const { setQuantity, remove } = useCart();
  const [text, setText] = useState(String(item.quantity));
  const [state, setState] = useState<{ busy?: boolean; error?: string }>({});
  const inputId = `quantity-${item.sku}`;

  const change = async (value: string) => {
    setText(value);
    const quantity = Number(value);
    if (value === '' || quantity === item.quantity) return;
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > 99) {
      setState({ error: 'Choose a quantity from 1 to 99, or remove the item.' });
      return;
    }
    setState({ busy: true });
    try {
      await setQuantity(item.sku, quantity);
      setState({});
    } catch (error) {
      setState({ error: messageOf(error) });
      setText(String(item.quantity));
    }
  };

  const drop = async () => {
    setState({ busy: true });
    try {
      await remove(item.sku);
    } catch (error) {
      setState({ error: messageOf(error) });
    }
  };

  return (
    <tr>
      <th scope="row">
        <Link to={`/product/${encodeURIComponent(item.sku)}`}>{item.name}</Link>
        {!item.available && <span className="badge">No longer sold</span>}
        {state.error && (
          <p className="field-error" role="alert">
            {state.error}
          </p>
        )}
      </th>
      <td data-label="Price">
        <Price amount={item.unitPrice.amount} currency={item.unitPrice.currency} />
      </td>
      <td data-label="Quantity">
        {readOnly ? (
          item.quantity
        ) : (
          <>
            <label htmlFor={inputId} className="visually-hidden">
              Quantity of {item.name}
            </label>
            <input
              id={inputId}
              className="quantity"
              type="number"
              inputMode="numeric"
              min={1}
              max={99}
              value={text}
              disabled={state.busy}
              onChange={(event) => setText(event.target.value)}
              onBlur={(event) => void change(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter') void change(event.currentTarget.value);
              }}
            />
          </>
        )}
      </td>
      <td className="numeric" data-label="Total">
        <Price amount={item.lineTotal.amount} currency={item.lineTotal.currency} />
      </td>
      {!readOnly && (
        <td>
          <button type="button" className="button-secondary" onClick={() => void drop()} disabled={state.busy} aria-label={`Remove ${item.name}`}>
            Remove
          </button>
        </td>
      )}
    </tr>
  );
}
