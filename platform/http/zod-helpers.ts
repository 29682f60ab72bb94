import { z } from 'zod';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_OFFSET, MAX_PAGE_SIZE } from '../limits';
import { loadSpec } from '../openapi';

/** A whole number from a query string, refusing "", "1.5" and "1e3" rather than coercing them. */
export function queryInteger(options: { min: number; max: number; default: number }) {
  return z
    .string()
    .regex(/^-?\d{1,10}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(options.min).max(options.max))
    .optional()
    .transform((value) => value ?? options.default);
}

/** `limit` and `offset` of a list, as every spec takes them (openapi/shared/components.yaml). */
export const pageQuery = {
  limit: queryInteger({ min: 1, max: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE }),
  offset: queryInteger({ min: 0, max: MAX_PAGE_OFFSET, default: 0 }),
};

/** Request bodies refuse unknown fields, so a typo is an error, not silently ignored. */
export const strictObject = z.strictObject;

// The runtime's ICU data knows the ISO 4217 codes in use; a hand-kept list would go stale.
const CURRENCY_CODES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/** An ISO 4217 currency code in upper case, e.g. `USD`. */
export const currencyCode = z.string().refine((code) => CURRENCY_CODES.has(code), 'must be an ISO 4217 currency code in upper case, e.g. USD');

/** For arrays of lines: each SKU once, the duplicate named by its index. */
export function refineUniqueSkus(lines: { sku: string }[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  lines.forEach((line, index) => {
    if (seen.has(line.sku)) ctx.addIssue({ code: 'custom', path: [index, 'sku'], message: `SKU ${line.sku} appears more than once` });
    seen.add(line.sku);
  });
}

/** As the specs say for free text: at most `max` characters as sent, and not blank (pattern `\S`); kept trimmed. */
export const nonBlankText = (max: number) => z.string().max(max).trim().min(1, 'must not be blank');

/**
 * A string schema with the pattern the spec gives it, read from openapi/<specFile> itself, so
 * the spec and the validation accept exactly the same strings (e.g. a list of codes too long to keep twice).
 */
export function specPattern(specFile: string, schemaName: string, message: string) {
  const schema = loadSpec(specFile).components?.schemas?.[schemaName] as { pattern?: unknown } | undefined;
  const pattern = schema?.pattern;
  if (typeof pattern !== 'string') throw new Error(`openapi/${specFile} has no pattern for components.schemas.${schemaName}`);
  return z.string().regex(new RegExp(pattern, 'u'), message);
}
