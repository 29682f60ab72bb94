/**
 * The bounds several services must agree on are written once in the code
 * (platform/limits.ts, and a service's own in its domain) and stated by the
 * specs: here the two are held to the same numbers, and the numbers to what
 * the columns and a JSON number can hold.
 */
import { loadSpec, type OpenApiDocument } from '../../platform/openapi';
import {
  DEFAULT_PAGE_SIZE,
  MAX_INT32,
  MAX_LINE_QUANTITY,
  MAX_ORDER_LINES,
  MAX_ORDER_TOTAL,
  MAX_PAGE_OFFSET,
  MAX_PAGE_SIZE,
  MAX_UNIT_PRICE,
} from '../../platform/limits';
import { MAX_CART_ITEMS, MAX_CART_QUANTITY } from '../../services/cart/domain';
import { MAX_STOCK_ON_HAND } from '../../services/inventory/domain';

type Json = Record<string, unknown>;

/** The schema at `pointer` (a JSON pointer into the served spec), its references followed. */
function at(spec: OpenApiDocument, pointer: string): Json {
  const follow = (node: Json): Json => (typeof node.$ref === 'string' ? follow(at(spec, node.$ref.slice(1))) : node);
  return follow(
    pointer
      .split('/')
      .filter(Boolean)
      .reduce<Json>((node, key) => {
        const next = follow(node)[key] as Json | undefined;
        if (next === undefined) throw new Error(`no ${pointer} in the spec`);
        return next;
      }, spec as Json),
  );
}

const shared = loadSpec('shared/components.yaml');
const spec = (name: string) => loadSpec(`${name}.yaml`);

it('the shared definitions state the constants of platform/limits.ts', () => {
  expect(at(shared, '/components/schemas/LineQuantity')).toMatchObject({ minimum: 1, maximum: MAX_LINE_QUANTITY });
  expect(at(shared, '/components/schemas/UnitPrice')).toMatchObject({ minimum: 1, maximum: MAX_UNIT_PRICE });
  expect(at(shared, '/components/schemas/OrderTotal')).toMatchObject({ minimum: 1, maximum: MAX_ORDER_TOTAL });
  expect(at(shared, '/components/parameters/Limit/schema')).toMatchObject({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE });
  expect(at(shared, '/components/parameters/Offset/schema')).toMatchObject({ minimum: 0, maximum: MAX_PAGE_OFFSET });
});

it('each spec takes as many lines as an order may have, and each service its own bounds', () => {
  expect(at(spec('orders'), '/components/schemas/CreateOrderRequest/properties/lines')).toMatchObject({ maxItems: MAX_ORDER_LINES });
  expect(at(spec('orders'), '/components/schemas/OrderLine/properties/unitPrice')).toMatchObject({ maximum: MAX_UNIT_PRICE });
  expect(at(spec('orders'), '/components/schemas/MinorUnits')).toMatchObject({ maximum: MAX_ORDER_TOTAL });
  expect(at(spec('inventory'), '/components/schemas/ReserveRequest/properties/lines')).toMatchObject({ maxItems: MAX_ORDER_LINES });
  expect(at(spec('inventory'), '/components/schemas/StockUnits')).toMatchObject({ minimum: 0, maximum: MAX_STOCK_ON_HAND });
  expect(at(spec('inventory'), '/components/schemas/StockAdjustmentRequest/properties/delta')).toMatchObject({ minimum: -MAX_STOCK_ON_HAND, maximum: MAX_STOCK_ON_HAND });
  expect(at(spec('cart'), '/components/schemas/CartQuantity')).toMatchObject({ minimum: 1, maximum: MAX_CART_QUANTITY });
  // The most a cart can show: every item at the highest price, after prices rose.
  expect(at(spec('cart'), '/components/schemas/MinorUnits')).toMatchObject({ maximum: MAX_CART_ITEMS * MAX_CART_QUANTITY * MAX_UNIT_PRICE });
  // A charge pays for one order.
  expect(at(spec('payments'), '/components/schemas/Money/properties/amount')).toMatchObject({ maximum: MAX_ORDER_TOTAL });
});

it('no sum of valid input overflows where it is kept', () => {
  // A cart is one order: it fits an order's lines and units.
  expect(MAX_CART_ITEMS).toBeLessThanOrEqual(MAX_ORDER_LINES);
  expect(MAX_CART_QUANTITY).toBeLessThanOrEqual(MAX_LINE_QUANTITY);
  // The largest sum anyone computes (an order's lines, before its total is checked) is exact in a double.
  expect(MAX_ORDER_LINES * MAX_LINE_QUANTITY * MAX_UNIT_PRICE).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
  // Kept in 32-bit columns: charges and refunds (payments), prices (catalog, cart), stock on hand.
  expect(MAX_ORDER_TOTAL).toBeLessThanOrEqual(MAX_INT32);
  expect(MAX_UNIT_PRICE).toBeLessThanOrEqual(MAX_INT32);
  // An adjustment's delta is at most the on-hand limit, so on hand + delta is computed exactly before it is refused.
  expect(2 * MAX_STOCK_ON_HAND).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
  expect(MAX_STOCK_ON_HAND).toBeLessThanOrEqual(MAX_INT32);
});
