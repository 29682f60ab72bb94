import { useState, type FormEvent } from 'react';
import { api, type Product } from '../api/client';
import { useCart } from '../cart';
import { ErrorMessage, Loading, Notice, Price } from '../components';
import { call, messageOf } from '../problems';
import { Link, navigate, useLocation, usePageTitle } from '../router';
import { useSession } from '../session';
import { useLoad } from '../use-load';

const PAGE_SIZE = 12;

function searchUrl(q: string, category: string, page = 1): string {
  const params = new URLSearchParams();
  if (q) params.set('q', q);
  if (category) params.set('category', category);
  if (page > 1) params.set('page', String(page));
  const query = params.toString();
  return query ? `/search?${query}` : '/';
}

export function CatalogPage() {
  const { query } = useLocation();
  const q = query.get('q')?.trim() ?? '';
  const category = query.get('category') ?? '';
  const page = Math.max(1, Number(query.get('page')) || 1);
  const title = q ? `Results for “${q}”` : category ? `Category: ${category}` : 'All products';
  usePageTitle(title);

  const products = useLoad(
    () => call(api.GET('/products', { params: { query: { ...(q ? { q } : {}), ...(category ? { category } : {}), limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE } } })),
    [q, category, page],
  );
  const categories = useLoad(() => call(api.GET('/categories')), []);
  const [text, setText] = useState(q);

  const search = (event: FormEvent) => {
    event.preventDefault();
    navigate(searchUrl(text.trim(), category));
  };

  const pages = products.data ? Math.max(1, Math.ceil(products.data.total / PAGE_SIZE)) : 1;
  return (
    <>
      <h1 tabIndex={-1}>{title}</h1>
      <div className="toolbar">
        <form role="search" className="search" onSubmit={search}>
          <label htmlFor="search-text">Search products</label>
          <div className="inline">
            <input id="search-text" type="search" value={text} maxLength={200} onChange={(event) => setText(event.target.value)} placeholder="mug, hoodie, sticker…" />
            <button type="submit">Search</button>
          </div>
        </form>
        <div className="field">
          <label htmlFor="category">Category</label>
          <select id="category" value={category} onChange={(event) => navigate(searchUrl(q, event.target.value))}>
            <option value="">All categories</option>
            {categories.data?.items.map((item) => (
              <option key={item.category} value={item.category}>
                {item.category} ({item.productCount})
              </option>
            ))}
          </select>
        </div>
      </div>

      {products.loading && !products.data && <Loading what="products" />}
      {products.error ? <ErrorMessage error={products.error} retry={products.reload} /> : null}
      {products.data && products.data.items.length === 0 && <Notice kind="info">Nothing matches {q ? `“${q}”` : 'this filter'}. Try other words.</Notice>}
      {products.data && products.data.items.length > 0 && (
        <>
          <p className="muted" role="status">
            {products.data.total} {products.data.total === 1 ? 'product' : 'products'}
          </p>
          <ul className="product-grid" aria-busy={products.loading}>
            {products.data.items.map((product) => (
              <li key={product.sku}>
                <ProductCard product={product} />
              </li>
            ))}
          </ul>
          {pages > 1 && (
            <nav className="pager" aria-label="Pages">
              {page > 1 ? <Link to={searchUrl(q, category, page - 1)}>Previous page</Link> : <span />}
              <span>
                Page {page} of {pages}
              </span>
              {page < pages ? <Link to={searchUrl(q, category, page + 1)}>Next page</Link> : <span />}
            </nav>
          )}
        </>
      )}
    </>
  );
}

function ProductCard({ product }: { product: Product }) {
  const { status } = useSession();
  const { cart, setQuantity } = useCart();
  const [state, setState] = useState<{ busy?: boolean; message?: string; error?: string }>({});
  const inCart = cart?.items.find((item) => item.sku === product.sku)?.quantity ?? 0;

  const add = async () => {
    setState({ busy: true });
    try {
      await setQuantity(product.sku, Math.min(99, inCart + 1));
      setState({ message: `Added to your cart (${inCart + 1} in cart).` });
    } catch (error) {
      setState({ error: messageOf(error) });
    }
  };

  return (
    <article className="card product-card" aria-labelledby={`product-${product.sku}`}>
      <div className="product-art" aria-hidden="true">
        {product.name.slice(0, 1)}
      </div>
      <h2 id={`product-${product.sku}`}>
        <Link to={`/product/${encodeURIComponent(product.sku)}`}>{product.name}</Link>
      </h2>
      <p className="muted">{product.category}</p>
      <p className="product-price">
        <Price amount={product.price.amount} currency={product.price.currency} />
      </p>
      {status === 'signed-in' ? (
        <button type="button" onClick={() => void add()} disabled={state.busy} aria-label={`Add ${product.name} to cart`}>
          {state.busy ? 'Adding…' : 'Add to cart'}
        </button>
      ) : (
        <Link className="button-link" to={`/login?next=${encodeURIComponent(`/product/${product.sku}`)}`}>
          Log in to buy
        </Link>
      )}
      <div aria-live="polite" className="card-feedback">
        {state.message && <p className="success-text">{state.message}</p>}
        {state.error && <p className="field-error">{state.error}</p>}
      </div>
    </article>
  );
}
