import { useState } from 'react';
import { useCart } from './cart';
import { Link, navigate, useLocation, usePageTitle } from './router';
import { useSession } from './session';
import { CartPage } from './pages/Cart';
import { CatalogPage } from './pages/Catalog';
import { CheckoutPage } from './pages/Checkout';
import { CheckoutProgressPage } from './pages/CheckoutProgress';
import { LoginPage, SignupPage } from './pages/Account';
import { OrderPage, OrdersPage } from './pages/Orders';
import { ProductPage } from './pages/Product';
import { messageOf } from './problems';

function Page() {
  const { path } = useLocation();
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second, third] = segments;
  if (segments.length === 0 || (first === 'search' && !second)) return <CatalogPage />;
  if (first === 'product' && second && !third) return <ProductPage sku={second} />;
  if (first === 'cart' && !second) return <CartPage />;
  if (first === 'checkout' && !second) return <CheckoutPage />;
  if (first === 'checkout' && second && !third) return <CheckoutProgressPage checkoutId={second} />;
  if (first === 'account' && second === 'orders' && !third) return <OrdersPage />;
  if (first === 'account' && second === 'orders' && third && segments.length === 3) return <OrderPage orderId={third} />;
  if (first === 'login' && !second) return <LoginPage />;
  if (first === 'signup' && !second) return <SignupPage />;
  return <NotFound />;
}

function NotFound() {
  usePageTitle('Not found');
  return (
    <>
      <h1 tabIndex={-1}>Page not found</h1>
      <p>
        There is no page here. <Link to="/">Go to the shop</Link>.
      </p>
    </>
  );
}

function Header() {
  const { status, user, logOut } = useSession();
  const { cart } = useCart();
  const { path } = useLocation();
  const [error, setError] = useState<string>();
  const current = (to: string) => (path === to ? ('page' as const) : undefined);
  const leave = async () => {
    setError(undefined);
    try {
      await logOut();
      navigate('/');
    } catch (failure) {
      setError(`Logging out did not finish: ${messageOf(failure)}`);
    }
  };
  return (
    <header className="site-header">
      <div className="header-inner">
        <Link to="/" className="brand">
          Temporal Shop
        </Link>
        <nav aria-label="Main">
          <ul>
            <li>
              <Link to="/" aria-current={current('/')}>
                Shop
              </Link>
            </li>
            <li>
              <Link to="/cart" aria-current={current('/cart')}>
                Cart{cart && cart.itemCount > 0 ? <span className="count"> ({cart.itemCount})</span> : null}
              </Link>
            </li>
            {status === 'signed-in' && (
              <li>
                <Link to="/account/orders" aria-current={current('/account/orders')}>
                  Orders
                </Link>
              </li>
            )}
            {status === 'signed-out' && (
              <>
                <li>
                  <Link to="/login" aria-current={current('/login')}>
                    Log in
                  </Link>
                </li>
                <li>
                  <Link to="/signup" aria-current={current('/signup')}>
                    Sign up
                  </Link>
                </li>
              </>
            )}
            {status === 'signed-in' && user && (
              <li className="who">
                <span className="muted">{user.name}</span>
                <button type="button" className="button-secondary small" onClick={() => void leave()}>
                  Log out
                </button>
              </li>
            )}
          </ul>
        </nav>
      </div>
      {error && (
        <p role="alert" className="header-error">
          {error}
        </p>
      )}
    </header>
  );
}

export function App() {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header />
      <main id="main" tabIndex={-1}>
        <Page />
      </main>
      <footer className="site-footer">
        <p>
          A demo shop: no real money moves. <a href="/docs">API docs</a>
        </p>
      </footer>
    </>
  );
}
