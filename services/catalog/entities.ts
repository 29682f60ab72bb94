import { defineEntity, p, type InferEntity, type Opt } from '@mikro-orm/core';

/**
 * What full-text search looks in: the name weighs more than the description,
 * so a name match ranks first. Written as PostgreSQL prints it back, so the
 * schema diff against the migrated database stays empty.
 */
export const SEARCH_VECTOR_SQL =
  "(setweight(to_tsvector('english'::regconfig, (name)::text), 'A'::\"char\") || setweight(to_tsvector('english'::regconfig, (description)::text), 'B'::\"char\"))";

export const Product = defineEntity({
  name: 'Product',
  tableName: 'products',
  properties: {
    sku: p.string().length(64).primary(),
    name: p.string().length(200),
    description: p.string().length(5000),
    // Minor units; the schema caps a price at 100 000 000, well inside an int.
    priceAmount: p.integer(),
    priceCurrency: p.string().length(3),
    images: p.json<string[]>(),
    category: p.string().length(64),
    active: p.boolean(),
    createdAt: p.datetime().onCreate(() => new Date()),
    // The same instant as createdAt on creation: a second clock reading could fall a millisecond later.
    updatedAt: p.datetime().onCreate((product: { createdAt?: Date }) => product.createdAt ?? new Date()).onUpdate(() => new Date()),
    // Kept by PostgreSQL itself, so it can never disagree with the text; never loaded into entities.
    searchVector: p
      .string()
      .$type<Opt<string>>()
      .columnType('tsvector')
      .generated(`${SEARCH_VECTOR_SQL} stored`)
      .lazy()
      .nullable()
      .ref(false),
  },
  indexes: [
    { name: 'products_search_vector_index', properties: ['searchVector'], type: 'fulltext' },
    // SKU prefix search is case-insensitive; text_pattern_ops lets `like 'abc%'` use the index whatever the collation.
    { name: 'products_sku_prefix_index', expression: 'create index products_sku_prefix_index on products (lower(sku) text_pattern_ops)' },
    { properties: ['active', 'createdAt'] },
    { properties: ['category', 'active'] },
  ],
  checks: [
    { name: 'products_price_amount_check', expression: 'price_amount > 0 and price_amount <= 100000000' },
  ],
});
export type Product = InferEntity<typeof Product>;

export const catalogEntities = [Product];
