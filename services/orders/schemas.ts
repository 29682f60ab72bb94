/**
 * Request validation for the orders API. Each schema is pinned to the type
 * generated from openapi/orders.yaml, so the two cannot drift apart.
 */
import { z } from 'zod';
import { currencyCode, queryInteger, refineUniqueSkus } from '../../platform/http/zod-helpers';
import type { components } from './api.gen';

type Schemas = components['schemas'];

/** ISO 3166-1 alpha-2, officially assigned codes only. */
const COUNTRY_CODES: ReadonlySet<string> = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
    'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT ' +
    'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG ' +
    'UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

export const OrderId = z.uuid('must be a UUID').transform((id) => id.toLowerCase());
export const OrderIdParams = z.object({ orderId: OrderId });

const identifier = (extra: string, max: number) =>
  z.string().regex(new RegExp(`^[A-Za-z0-9][A-Za-z0-9.${extra}_-]{0,${max - 1}}$`), `must be 1-${max} letters, digits or ".${extra}_-"`);

export const CheckoutId = identifier(':', 128);
export const CustomerId = identifier(':@', 128);
export const ChargeId = identifier(':', 128);
export const Sku = identifier('', 64);
export const OrderStatus = z.enum(['placed', 'paid', 'shipped', 'delivered', 'cancelled']) satisfies z.ZodType<Schemas['OrderStatus']>;

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);

export const OrderLine = z.strictObject({
  sku: Sku,
  name: text(200),
  quantity: z.number().int().min(1).max(10_000),
  unitPrice: z.number().int().min(0).max(100_000_000),
}) satisfies z.ZodType<Schemas['OrderLine']>;

export const ShippingAddress = z.strictObject({
  name: text(200),
  line1: text(200),
  line2: text(200).optional(),
  city: text(100),
  postalCode: text(20),
  country: z.string().refine((code) => COUNTRY_CODES.has(code), 'must be an ISO 3166-1 alpha-2 country code in upper case, e.g. GB'),
}) satisfies z.ZodType<Schemas['ShippingAddress']>;

export const CreateOrderRequest = z.strictObject({
  checkoutId: CheckoutId,
  customerId: CustomerId,
  customerEmail: z.email('must be an e-mail address').max(254),
  customerPhone: z.string().regex(/^\+[1-9][0-9]{6,14}$/, 'must be an E.164 phone number, like +441234567890').optional(),
  currency: currencyCode,
  lines: z
    .array(OrderLine)
    .min(1)
    .max(100)
    .superRefine(refineUniqueSkus),
  total: z.number().int().min(0).max(1_000_000_000_000_000),
  shippingAddress: ShippingAddress,
  chargeId: ChargeId,
}) satisfies z.ZodType<Schemas['CreateOrderRequest']>;

export const CancelOrderRequest = z.strictObject({
  reason: text(500),
}) satisfies z.ZodType<Schemas['CancelOrderRequest']>;

/** The body is optional: no body (or an empty one) is no note. */
export const StatusChangeRequest = z
  .strictObject({ note: text(500).optional() })
  .optional()
  .transform((body) => body ?? {}) satisfies z.ZodType<Schemas['StatusChangeRequest']>;

export const ListOrdersQuery = z.strictObject({
  customerId: CustomerId.optional(),
  status: OrderStatus.optional(),
  limit: queryInteger({ min: 1, max: 100, default: 50 }),
  offset: queryInteger({ min: 0, max: 1_000_000, default: 0 }),
});
