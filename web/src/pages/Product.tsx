import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { useCart } from '../cart';
import { ErrorMessage, Field, Loading, Notice, Price } from '../components';
import { call, messageOf, ShopError } from '../problems';
import { Link, usePageTitle } from '../router';
import { useSession } from '../session';
import { useLoad } from '../use-load';

const LOW_STOCK = 5;

export function ProductPage({ sku }: { sku: string }) {
  const product = useLoad(() => call(api.GET('/products/{sku}', { params: { path: { sku } } })), [sku]);
  // Stock is shown when known; a product without a stock record is simply not stocked yet.
  const stock = useLoad(
    () => call(api.GET('/stock/{sku}', { params: { path: { sku } } })).catch((error: unknown) => (error instanceof ShopError && error.status === 404 ? null : Promise.reject(error))),
    [sku],
  );
  usePageTitle(product.data?.name ?? 'Product');

  if (product.loading && !product.data) return <Loading what="the product" />;
  if (product.error || !product.data) {
    return (
      <>
        <h1 tabIndex={-1}>Product</h1>
        <ErrorMessage error={product.error} retry={product.reload} />
        <p>
          <Link to="/">Back to all products</Link>
        </p>
      </>
    );
  }
  const item = product.data;
  const available = stock.data === undefined ? undefined : (stock.data?.available ?? 0);
  return (
    <article className="product-page">
      <p>
        <Link to="/">← All products</Link>
      </p>
      <div className="product-layout">
        <div className="product-art product-art-large" aria-hidden="true">
          {item.name.slice(0, 1)}
        </div>
        <div>
          <h1 tabIndex={-1}>{item.name}</h1>
          <p className="product-price">
            <Price amount={item.price.amount} currency={item.price.currency} />
          </p>
          <p>{item.description || 'No description yet.'}</p>
          <p className="muted">
            SKU {item.sku} · {item.category}
          </p>
          {stock.loading && available === undefined ? <Loading what="stock" /> : null}
          {stock.error ? <p className="muted">Stock could not be checked right now.</p> : null}
          {available !== undefined && (
            <p className={available === 0 ? 'stock-out' : 'stock-in'}>
              {available === 0 ? 'Out of stock' : available <= LOW_STOCK ? `Only ${available} left` : 'In stock'}
            </p>
          )}
          {!item.active ? <Notice kind="warning">This product is no longer sold.</Notice> : <AddToCart sku={item.sku} name={item.name} soldOut={available === 0} />}
        </div>
      </div>
    </article>
  );
}

function AddToCart({ sku, name, soldOut }: { sku: string; name: string; soldOut: boolean }) {
  const { status } = useSession();
  const { cart, setQuantity } = useCart();
  const [quantity, setQuantityText] = useState('1');
  const [state, setState] = useState<{ busy?: boolean; message?: string; error?: string }>({});
  if (status !== 'signed-in') {
    return (
      <p>
        <Link className="button-link" to={`/login?next=${encodeURIComponent(`/product/${sku}`)}`}>
          Log in to buy
        </Link>
      </p>
    );
  }
  const inCart = cart?.items.find((line) => line.sku === sku)?.quantity ?? 0;
  const add = async (event: FormEvent) => {
    event.preventDefault();
    const wanted = Number(quantity);
    if (!Number.isInteger(wanted) || wanted < 1 || inCart + wanted > 99) {
      setState({ error: `Choose between 1 and ${99 - inCart}.` });
      return;
    }
    setState({ busy: true });
    try {
      await setQuantity(sku, inCart + wanted);
      setState({ message: `Added ${wanted} × ${name} to your cart.` });
    } catch (error) {
      setState({ error: messageOf(error) });
    }
  };
  return (
    <form className="add-to-cart" onSubmit={(event) => void add(event)} noValidate>
      <Field label="Quantity" type="number" inputMode="numeric" min={1} max={99} value={quantity} onChange={(event) => setQuantityText(event.target.value)} error={state.error} className="narrow" />
      <button type="submit" disabled={state.busy || soldOut}>
        {soldOut ? 'Out of stock' : state.busy ? 'Adding…' : 'Add to cart'}
      </button>
      <div aria-live="polite">
        {state.message && (
          <p className="success-text">
            {state.message} <Link to="/cart">View cart</Link>
          </p>
        )}
      </div>
    </form>
  );
}
