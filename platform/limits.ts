/**
 * The bounds several parts of the shop must agree on: how many units a line
 * holds, what a unit may cost, what one order (and so its one charge) may total,
 * how many lines an order has, how a list pages. The specs state the same
 * numbers (openapi/shared/components.yaml, and each spec's bounded fields), and
 * test/contract/limits.test.ts holds every spec to these constants.
 *
 * Every amount is an integer in the currency's minor units. The bounds are
 * chosen so that no sum of valid input can overflow where it is kept: the
 * largest order (MAX_ORDER_LINES × MAX_LINE_QUANTITY × MAX_UNIT_PRICE = 10^14)
 * is exact in a double and fits PostgreSQL's bigint, so a total can always be
 * computed and then refused, as a 422 naming the field, when it passes
 * MAX_ORDER_TOTAL. Pure: workflows may import it.
 */

/** Units of one product in one order line or reservation line (the cart allows fewer: see services/cart). */
export const MAX_LINE_QUANTITY = 10_000;

/** Lines (different products) in one order or reservation. */
export const MAX_ORDER_LINES = 100;

/** The price of one unit: 1,000,000.00 in a currency with cents. */
export const MAX_UNIT_PRICE = 100_000_000;

/**
 * What one order may total, and so what one charge (or refund) may be: 1,000,000.00 in a
 * currency with cents, about what card providers take in one payment. Stored in 32-bit columns
 * by payments, so it must stay below 2^31.
 */
export const MAX_ORDER_TOTAL = 100_000_000;

/** Lists page at most this many items, `DEFAULT_PAGE_SIZE` when not asked, from an offset of at most MAX_PAGE_OFFSET. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_OFFSET = 1_000_000;

/** PostgreSQL's `integer`: what a 32-bit column holds. */
export const MAX_INT32 = 2_147_483_647;
