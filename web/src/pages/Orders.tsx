import { api } from '../api/client';
import { ErrorMessage, Loading, Notice, Price } from '../components';
import { formatDateTime } from '../money';
import { call } from '../problems';
import { Link, useLocation, usePageTitle } from '../router';
import { useSession } from '../session';
import { useLoad } from '../use-load';

const PAGE_SIZE = 20;

const countryNames = new Intl.DisplayNames(['en'], { type: 'region' });

const STATUS_TEXT: Record<string, string> = { placed: 'Placed', paid: 'Paid', shipped: 'Shipped', delivered: 'Delivered', cancelled: 'Cancelled' };

export function statusText(status: string): string {
  return STATUS_TEXT[status] ?? status;
}

function SignInFirst({ title, next }: { title: string; next: string }) {
  return (
    <>
      <h1 tabIndex={-1}>{title}</h1>
      <p>
        <Link to={`/login?next=${encodeURIComponent(next)}`}>Log in</Link> to see your orders.
      </p>
    </>
  );
}

export function OrdersPage() {
  usePageTitle('Your orders');
  const { status } = useSession();
  const { query } = useLocation();
  const page = Math.max(1, Number(query.get('page')) || 1);
  const orders = useLoad(
    () => (status === 'signed-in' ? call(api.GET('/orders', { params: { query: { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE } } })) : Promise.resolve(undefined)),
    [status, page],
  );
  if (status === 'loading') return <Loading what="your session" />;
  if (status === 'signed-out') return <SignInFirst title="Your orders" next="/account/orders" />;
  const pages = orders.data ? Math.max(1, Math.ceil(orders.data.total / PAGE_SIZE)) : 1;
  return (
    <>
      <h1 tabIndex={-1}>Your orders</h1>
      {orders.loading && !orders.data && <Loading what="your orders" />}
      {orders.error ? <ErrorMessage error={orders.error} retry={orders.reload} /> : null}
      {orders.data && orders.data.items.length === 0 && (
        <Notice kind="info">
          No orders yet. <Link to="/">Browse the shop</Link>.
        </Notice>
      )}
      {orders.data && orders.data.items.length > 0 && (
        <ul className="order-list">
          {orders.data.items.map((order) => (
            <li key={order.id} className="card">
              <Link to={`/account/orders/${order.id}`}>Order of {formatDateTime(order.createdAt)}</Link>
              <span className={`badge status-${order.status}`}>{statusText(order.status)}</span>
              <span>
                {order.lines.reduce((sum, line) => sum + line.quantity, 0)} items · <Price amount={order.total.amount} currency={order.total.currency} />
              </span>
            </li>
          ))}
        </ul>
      )}
      {pages > 1 && (
        <nav className="pager" aria-label="Pages">
          {page > 1 ? <Link to={`/account/orders?page=${page - 1}`}>Previous page</Link> : <span />}
          <span>
            Page {page} of {pages}
          </span>
          {page < pages ? <Link to={`/account/orders?page=${page + 1}`}>Next page</Link> : <span />}
        </nav>
      )}
    </>
  );
}

export function OrderPage({ orderId }: { orderId: string }) {
  usePageTitle('Your order');
  const { status } = useSession();
  const order = useLoad(
    () => (status === 'signed-in' ? call(api.GET('/orders/{orderId}', { params: { path: { orderId } } })) : Promise.resolve(undefined)),
    [status, orderId],
  );
  if (status === 'loading') return <Loading what="your session" />;
  if (status === 'signed-out') return <SignInFirst title="Your order" next={`/account/orders/${orderId}`} />;
  if (order.loading && !order.data) return <Loading what="your order" />;
  if (order.error || !order.data) {
    return (
      <>
        <h1 tabIndex={-1}>Your order</h1>
        <ErrorMessage error={order.error} retry={order.reload} />
      </>
    );
  }
  const data = order.data;
  const address = data.shippingAddress;
  return (
    <>
      <p>
        <Link to="/account/orders">← Your orders</Link>
      </p>
      <h1 tabIndex={-1}>Your order</h1>
      <p className="order-status">
        Status: <strong className={`badge status-${data.status}`}>{statusText(data.status)}</strong>
      </p>
      <p className="muted">
        Order {data.id} · placed {formatDateTime(data.createdAt)}
      </p>
      <div className="order-layout">
        <section aria-labelledby="items-title">
          <h2 id="items-title">Items</h2>
          <table className="cart-table">
            <thead>
              <tr>
                <th scope="col">Item</th>
                <th scope="col">Quantity</th>
                <th scope="col" className="numeric">
                  Total
                </th>
              </tr>
            </thead>
            <tbody>
              {data.lines.map((line) => (
                <tr key={line.sku}>
                  <th scope="row">{line.name}</th>
                  <td data-label="Quantity">{line.quantity}</td>
                  <td className="numeric" data-label="Total">
                    <Price amount={line.unitPrice * line.quantity} currency={data.total.currency} />
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={2}>
                  Total
                </th>
                <td className="numeric total">
                  <Price amount={data.total.amount} currency={data.total.currency} />
                </td>
              </tr>
            </tfoot>
          </table>
        </section>
        <section aria-labelledby="ship-title">
          <h2 id="ship-title">Shipping to</h2>
          <address>
            {[address.name, address.line1, address.line2, `${address.postalCode} ${address.city}`, countryNames.of(address.country) ?? address.country].filter(Boolean).map((line) => (
              <span key={line} className="address-line">
                {line}
              </span>
            ))}
          </address>
        </section>
        <section aria-labelledby="history-title">
          <h2 id="history-title">Status history</h2>
          <ol className="history">
            {data.statusHistory.map((change, index) => (
              <li key={index}>
                <strong>{statusText(change.status)}</strong> <time dateTime={change.at}>{formatDateTime(change.at)}</time>
                {change.note && <span className="muted"> — {change.note}</span>}
              </li>
            ))}
          </ol>
        </section>
      </div>
    </>
  );
}
