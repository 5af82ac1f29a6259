import { sql, type Updateable } from 'kysely'
import type { Db } from '../../db/connection.js'
import { textMatches } from '../../db/dialect/full-text.js'
import type { ProductStatus, VariantsTable } from '../../db/schema.js'

export type AdminProductSort = 'newest' | 'title' | 'price_asc' | 'price_desc' | 'updated'

export interface AdminProductFilter {
  /** An FTS5 MATCH expression over titles and SKUs, or null. */
  match: string | null
  status: ProductStatus | null
  /** The category and those below it; null for any. */
  categoryIds: number[] | null
  stock: 'in' | 'out' | 'low' | null
  /** Tracked stock at or below this counts as low. */
  lowStockAt: number
}

function filtered(db: Db, filter: AdminProductFilter) {
  return db
    .selectFrom('products as p')
    .$if(filter.match !== null, (q) =>
      q
        .innerJoin('products_admin_fts as f', 'f.rowid', 'p.id')
        .where(textMatches(db, 'products_admin_fts', filter.match as string, 'f')),
    )
    .$if(filter.status !== null, (q) => q.where('p.status', '=', filter.status as ProductStatus))
    .$if(filter.categoryIds !== null, (q) => q.where('p.category_id', 'in', filter.categoryIds as number[]))
    .$if(filter.stock === 'in', (q) => q.where('p.in_stock', '=', 1))
    .$if(filter.stock === 'out', (q) => q.where('p.in_stock', '=', 0))
    .$if(filter.stock === 'low', (q) =>
      q.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('variants as lv')
            .select('lv.id')
            .whereRef('lv.product_id', '=', 'p.id')
            // The unary + keeps SQLite on the product's own variants (product_id index) instead of
            // walking every tracked variant in the shop through the low-stock index.
            .where(sql<number>`+lv.track_stock`, '=', 1)
            .where('lv.allow_backorder', '=', 0)
            .where('lv.stock', '<=', filter.lowStockAt),
        ),
      ),
    )
}

/**
 * One page of the back office's product list. Every sort is an index order
 * (rowid, title, price_min, updated_at) or, for a search, the full-text
 * index's own rowid order, so a page reads its own rows and not the whole
 * table; the figures of its variants come after, for those rows only
 * (selectVariantFigures), never for every row a sort passes over.
 */
export async function selectAdminProducts(
  db: Db,
  filter: AdminProductFilter,
  sort: AdminProductSort,
  limit: number,
  offset: number,
) {
  let query = filtered(db, filter).select([
    'p.id',
    'p.title',
    'p.slug',
    'p.status',
    'p.price_min',
    'p.price_max',
    'p.in_stock',
    'p.category_id',
    'p.updated_at',
  ])
  if (sort === 'title') query = query.orderBy('p.title').orderBy('p.id')
  else if (sort === 'price_asc') query = query.orderBy('p.price_min').orderBy('p.id')
  else if (sort === 'price_desc') query = query.orderBy('p.price_min', 'desc').orderBy('p.id', 'desc')
  else if (sort === 'updated') query = query.orderBy('p.updated_at', 'desc').orderBy('p.id', 'desc')
  // A search reads the full-text index newest first itself; ordering by the product's id would sort every match.
  else if (filter.match !== null) query = query.orderBy(sql`f.rowid`, 'desc')
  else query = query.orderBy('p.id', 'desc')
  return query.limit(limit).offset(offset).execute()
}

/** How many variants each product has and the stock of those that count it. */
export async function selectVariantFigures(db: Db, productIds: readonly number[]) {
  if (productIds.length === 0) return []
  return db
    .selectFrom('variants')
    .select([
      'product_id',
      sql<number>`count(*)`.as('variant_count'),
      // A CASE rather than a WHERE on track_stock keeps SQLite on the product_id index.
      sql<number | null>`sum(CASE WHEN track_stock = 1 THEN stock END)`.as('stock_total'),
    ])
    .where('product_id', 'in', productIds)
    .groupBy('product_id')
    .execute()
}

/** How many products match, counting no further than `cap`. */
export async function countAdminProducts(db: Db, filter: AdminProductFilter, cap: number): Promise<number> {
  // A search with no other filter is counted in the full-text index alone, without a lookup of each product.
  const searchOnly =
    filter.match !== null && filter.status === null && filter.categoryIds === null && filter.stock === null
  const count = sql<number>`count(*)`.as('n')
  const row = searchOnly
    ? await db
        .selectFrom(
          db
            .selectFrom('products_admin_fts as f')
            .select('f.rowid')
            .where(textMatches(db, 'products_admin_fts', filter.match as string, 'f'))
            .limit(cap)
            .as('m'),
        )
        .select(count)
        .executeTakeFirstOrThrow()
    : await db
        .selectFrom(filtered(db, filter).select('p.id').limit(cap).as('m'))
        .select(count)
        .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** The rows of an export: every variant of the filtered products, in keyset pages of products below a cursor. */
export async function selectExportProducts(db: Db, filter: AdminProductFilter, before: number | null, limit: number) {
  return filtered(db, filter)
    .leftJoin('categories as c', 'c.id', 'p.category_id')
    .select([
      'p.id',
      'p.slug',
      'p.title',
      'p.status',
      'p.tax_class',
      'p.description_md',
      'p.seo_title',
      'p.seo_description',
      'p.attributes',
      'p.option_names',
      'c.slug as category_slug',
    ])
    .$if(before !== null, (q) => q.where('p.id', '<', before as number))
    .orderBy('p.id', 'desc')
    .limit(limit)
    .execute()
}

export async function selectVariantsOfProducts(db: Db, productIds: readonly number[]) {
  if (productIds.length === 0) return []
  return db
    .selectFrom('variants')
    .selectAll()
    .where('product_id', 'in', productIds)
    .orderBy('product_id')
    .orderBy('position')
    .orderBy('id')
    .execute()
}

/** SKUs of the list already used by variants other than `exceptVariantIds`. */
export async function selectTakenSkus(
  db: Db,
  skus: readonly string[],
  exceptVariantIds: readonly number[],
): Promise<string[]> {
  if (skus.length === 0) return []
  const rows = await db
    .selectFrom('variants')
    .select('sku')
    .where('sku', 'in', skus)
    .$if(exceptVariantIds.length > 0, (q) => q.where('id', 'not in', exceptVariantIds as number[]))
    .execute()
  return rows.map((r) => r.sku)
}

/** SKUs that start with `prefix`, exactly (a range of the unique SKU index; _ and % are only themselves). */
export async function selectSkusStartingWith(db: Db, prefix: string): Promise<string[]> {
  const rows = await db
    .selectFrom('variants')
    .select('sku')
    .where('sku', '>=', prefix)
    .where('sku', '<', `${prefix}\uffff`)
    .execute()
  return rows.map((r) => r.sku)
}

/** The product form never sends stock (it changes through adjustments); an import sets it with its ledger entry. */
export async function updateVariantRow(db: Db, id: number, changes: Updateable<VariantsTable>): Promise<void> {
  await db.updateTable('variants').set(changes).where('id', '=', id).execute()
}

export async function replaceVariantOptionValues(
  db: Db,
  variant: { id: number; productId: number },
  values: Record<string, string>,
): Promise<void> {
  await db.deleteFrom('variant_option_values').where('variant_id', '=', variant.id).execute()
  const entries = Object.entries(values)
  if (entries.length === 0) return
  await db
    .insertInto('variant_option_values')
    .values(entries.map(([name, value]) => ({ variant_id: variant.id, product_id: variant.productId, name, value })))
    .execute()
}

export async function deleteVariantRow(db: Db, id: number): Promise<void> {
  await db.deleteFrom('variants').where('id', '=', id).execute()
}

export async function selectProductImageRows(db: Db, productId: number) {
  return db
    .selectFrom('product_images')
    .select(['image_id', 'alt', 'position'])
    .where('product_id', '=', productId)
    .orderBy('position')
    .execute()
}
