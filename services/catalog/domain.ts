/**
 * Catalog rules: browsing and search, and the admin's changes to products.
 * Every function runs on the caller's EntityManager (a request context or a transaction).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { conflict, notFound } from '../../platform/http/problem';
import type { components } from './api.gen';
import { Product } from './entities';
import type { ListProductsQuery } from './schemas';

type Schemas = components['schemas'];
/** The database connection of the service's MikroORM (`orm.em.getConnection()`). */
type Connection = ReturnType<EntityManager['getConnection']>;
export type ProductView = Schemas['Product'];

/** A product's fields, from an entity (instants as Dates) or from a row read as ProductRow (instants as ISO text). */
type ProductFields = Omit<Product, 'createdAt' | 'updatedAt' | 'searchVector'> & { createdAt: Date | string; updatedAt: Date | string };

const isoInstant = (instant: Date | string) => (typeof instant === 'string' ? instant : instant.toISOString());

export function toProductView(product: ProductFields): ProductView {
  return {
    sku: product.sku,
    name: product.name,
    description: product.description,
    price: { amount: product.priceAmount, currency: product.priceCurrency },
    images: product.images,
    category: product.category,
    active: product.active,
    createdAt: isoInstant(product.createdAt),
    updatedAt: isoInstant(product.updatedAt),
  };
}

/** A timestamptz as `toISOString()` writes it (UTC, milliseconds): the ORM's connection hands timestamps over as text. */
const ISO_INSTANT = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The columns of ProductFields under the entity's property names, the instants as ISO_INSTANT. */
const PRODUCT_FIELDS_SQL = `sku, name, description, price_amount as "priceAmount", price_currency as "priceCurrency", images, category, active,
  ${ISO_INSTANT('created_at')} as "createdAt", ${ISO_INSTANT('updated_at')} as "updatedAt"`;

/** Who may see products that are no longer sold. */
export interface Visibility {
  includeInactive: boolean;
}

const PRODUCT_COLUMNS = 'sku, name, description, price_amount, price_currency, images, category, active, created_at, updated_at';

/** `abc` → `abc%`, with LIKE's own wildcards in the input taken literally. */
const likePrefix = (text: string) => `${text.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`;

/**
 * One SQL query rather than the ORM's query builder: ranking needs
 * expressions (ts_rank_cd, a prefix test) in the ORDER BY, with bound parameters.
 */
export async function listProducts(em: EntityManager, query: ListProductsQuery): Promise<Schemas['ProductPage']> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (!query.includeInactive) where.push('active');
  if (query.category) {
    where.push('category = ?');
    params.push(query.category);
  }
  if (query.skus) {
    where.push(`sku in (${query.skus.map(() => '?').join(', ')})`);
    params.push(...query.skus);
  }
  if (query.q) {
    where.push("(search_vector @@ websearch_to_tsquery('english', ?) or lower(sku) like ?)");
    params.push(query.q, likePrefix(query.q));
  }
  const whereSql = where.length > 0 ? `where ${where.join(' and ')}` : '';

  const sort = query.sort ?? (query.q ? 'relevance' : 'newest');
  let orderSql: string;
  const orderParams: unknown[] = [];
  if (sort === 'name') orderSql = 'name asc, sku asc';
  else if (sort === 'relevance' && query.q) {
    // An exact SKU prefix is what someone typing a SKU wants; then the best text match, newest first among equals.
    orderSql = "(lower(sku) like ?) desc, ts_rank_cd(search_vector, websearch_to_tsquery('english', ?)) desc, created_at desc, sku asc";
    orderParams.push(likePrefix(query.q), query.q);
  } else orderSql = 'created_at desc, sku asc';

  const [counted] = await em.execute<{ total: number }[]>(`select count(*)::int as total from products ${whereSql}`, params);
  const rows = await em.execute<Record<string, unknown>[]>(
    `select ${PRODUCT_COLUMNS} from products ${whereSql} order by ${orderSql} limit ? offset ?`,
    [...params, ...orderParams, query.limit, query.offset],
  );
  return {
    items: rows.map((row) => toProductView(em.map(Product, row))),
    total: counted?.total ?? 0,
    limit: query.limit,
    offset: query.offset,
  };
}

/**
 * GET /products/{sku}, the storefront's most frequent read: one statement on the connection, and
 * the row goes straight into the answer, without an entity (no identity map, no hydration; nothing
 * is changed). Not on an EntityManager, so the request's EntityManager is never forked for it
 * (platform/http/app.ts forks on first use); being one statement, it needs no transaction.
 */
export async function readProduct(db: Connection, sku: string, visibility: Visibility): Promise<ProductView> {
  const [row] = await db.execute<ProductFields[]>(`select ${PRODUCT_FIELDS_SQL} from products where sku = ?`, [sku]);
  // An inactive product is answered as missing, exactly like an unknown SKU, to those who may not see it.
  if (!row || (!row.active && !visibility.includeInactive)) throw notFound('Product', sku);
  return toProductView(row);
}

export async function getProduct(em: EntityManager, sku: string, visibility: Visibility): Promise<Product> {
  const product = await em.findOne(Product, { sku });
  // An inactive product is answered as missing, exactly like an unknown SKU, to those who may not see it.
  if (!product || (!product.active && !visibility.includeInactive)) throw notFound('Product', sku);
  return product;
}

export async function listCategories(em: EntityManager): Promise<Schemas['CategoryList']> {
  const rows = await em.execute<{ category: string; product_count: number }[]>(
    'select category, count(*)::int as product_count from products where active group by category order by category',
  );
  return { items: rows.map((row) => ({ category: row.category, productCount: row.product_count })) };
}

export type CreateProductInput = Required<Schemas['CreateProductRequest']>;

export async function createProduct(em: EntityManager, input: CreateProductInput): Promise<Product> {
  const skuTaken = () => conflict('sku-taken', `A product with SKU ${input.sku} already exists`, { sku: input.sku });
  if (await em.findOne(Product, { sku: input.sku })) throw skuTaken();
  const product = em.create(Product, {
    sku: input.sku,
    name: input.name,
    description: input.description,
    priceAmount: input.price.amount,
    priceCurrency: input.price.currency,
    images: input.images,
    category: input.category,
    active: input.active,
  });
  try {
    await em.flush();
  } catch (error) {
    // Another admin created the same SKU between our check and our insert.
    if (error instanceof UniqueConstraintViolationException) throw skuTaken();
    throw error;
  }
  return product;
}

export async function updateProduct(em: EntityManager, sku: string, patch: Schemas['UpdateProductRequest']): Promise<Product> {
  const product = await getProduct(em, sku, { includeInactive: true });
  if (patch.name !== undefined) product.name = patch.name;
  if (patch.description !== undefined) product.description = patch.description;
  if (patch.images !== undefined) product.images = patch.images;
  if (patch.category !== undefined) product.category = patch.category;
  if (patch.price !== undefined) {
    product.priceAmount = patch.price.amount;
    product.priceCurrency = patch.price.currency;
  }
  // Only changed columns are written, so two admins changing different fields both keep their change.
  await em.flush();
  return product;
}

/** Idempotent: setting the state a product already has changes nothing, not even updatedAt. */
export async function setProductActive(em: EntityManager, sku: string, active: boolean): Promise<Product> {
  const product = await getProduct(em, sku, { includeInactive: true });
  if (product.active !== active) {
    product.active = active;
    await em.flush();
  }
  return product;
}
