/**
 * Request validation for the catalog API. Each schema is pinned to the type
 * generated from openapi/catalog.yaml, so the two cannot drift apart.
 */
import { z } from 'zod';
import { nonBlankText, pageQuery, specPattern } from '../../platform/http/zod-helpers';
import { MAX_UNIT_PRICE } from '../../platform/limits';
import type { components } from './api.gen';

type Schemas = components['schemas'];

export const MAX_BATCH_SKUS = 100;

export const Sku = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit');

export const SkuParams = z.object({ sku: Sku });

export const Category = z
  .string()
  .max(64)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a slug: lower-case letters and digits, words joined by single hyphens');

export const Price = z.strictObject({
  amount: z.number().int('must be a whole number of minor units (cents), not a fraction').min(1).max(MAX_UNIT_PRICE),
  currency: specPattern('catalog.yaml', 'Currency', 'must be an ISO 4217 currency code in upper case, e.g. USD'),
}) satisfies z.ZodType<Schemas['Price']>;

// As the spec counts them: the length as sent; kept trimmed.
const name = nonBlankText(200);
const description = z.string().max(5000).trim();
const images = z.array(z.httpUrl('must be an http or https URL').max(2048)).max(10);

export const CreateProductRequest = z.strictObject({
  sku: Sku,
  name,
  description: description.optional().transform((value) => value ?? ''),
  price: Price,
  images: images.optional().transform((value) => value ?? []),
  category: Category,
  active: z.boolean().optional().transform((value) => value ?? true),
}) satisfies z.ZodType<Schemas['CreateProductRequest'], Schemas['CreateProductRequest']>;

export const UpdateProductRequest = z
  .strictObject({
    name: name.optional(),
    description: description.optional(),
    price: Price.optional(),
    images: images.optional(),
    category: Category.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'must change at least one field') satisfies z.ZodType<Schemas['UpdateProductRequest']>;

export const SORTS = ['relevance', 'newest', 'name'] as const;

export const ListProductsQuery = z.strictObject({
  // Blank is no search, as a search box left empty (the spec says so).
  q: z
    .string()
    .max(200)
    .trim()
    .optional()
    .transform((q) => q || undefined),
  category: Category.optional(),
  // The spec's form style without explode: the SKUs joined by commas, each one a SKU as it stands.
  skus: z
    .string()
    .transform((value) => value.split(','))
    .pipe(z.array(Sku).min(1, 'must name at least one SKU').max(MAX_BATCH_SKUS, `at most ${MAX_BATCH_SKUS} SKUs`))
    .transform((skus) => [...new Set(skus)])
    .optional(),
  includeInactive: z
    .enum(['true', 'false'], 'must be true or false')
    .optional()
    .transform((value) => value === 'true'),
  sort: z.enum(SORTS).optional(),
  ...pageQuery,
});
export type ListProductsQuery = z.output<typeof ListProductsQuery>;
