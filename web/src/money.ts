/**
 * Amounts are integers in the currency's minor units everywhere in the shop;
 * they become text only here, in the shop's locale, with Intl (so a yen price
 * has no decimals and a dinar's has three).
 */
export const SHOP_LOCALE = 'en-US';

const formats = new Map<string, Intl.NumberFormat>();

function formatFor(currency: string): Intl.NumberFormat {
  let format = formats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat(SHOP_LOCALE, { style: 'currency', currency });
    formats.set(currency, format);
  }
  return format;
}

export function formatMoney(amount: number, currency: string): string {
  const format = formatFor(currency);
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** digits);
}

export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(SHOP_LOCALE, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}
