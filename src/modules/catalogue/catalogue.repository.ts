import { type ExpressionBuilder, type Insertable, sql, type Updateable } from 'kysely'
import { batches } from '../../db/batches.js'
import type { Db } from '../../db/connection.js'
import type { CategoriesTable, Database, NewCategory, NewProduct, NewVariant, ProductUpdate } from '../../db/schema.js'

export type ListingSort = 'newest' | 'price_asc' | 'price_desc' | 'name'

export interface ListingFilter {
  categoryIds?: number[]
  minPrice?: number
  maxPrice?: number
  inStock?: boolean
  /** Option name → accepted values; one variant must match every name. */
  options?: Record<string, string[]>
}

const cardColumns = ['p.id', 'p.slug', 'p.title', 'p.price_min', 'p.price_max', 'p.in_stock'] as const

export async function selectCategories(db: Db) {
  return db
    .selectFrom('categories')
    .select(['id', 'parent_id', 'name', 'slug', 'description', 'position', 'updated_at'])
    .orderBy('position')
    .orderBy('name')
    .execute()
}

function applyFilter(eb: ExpressionBuilder<Database & { p: Database['products'] }, 'p'>, filter: ListingFilter) {
  const conditions = [eb('p.status', '=', 'active')]
  if (filter.categoryIds) conditions.push(eb('p.category_id', 'in', filter.categoryIds))
  if (filter.minPrice !== undefined) conditions.push(eb('p.price_min', '>=', filter.minPrice))
  if (filter.maxPrice !== undefined) conditions.push(eb('p.price_min', '<=', filter.maxPrice))
  if (filter.inStock) conditions.push(eb('p.in_stock', '=', 1))
  const options = Object.entries(filter.options ?? {})
  if (options.length > 0) {
    conditions.push(
      eb.exists(
        eb
          .selectFrom('variants as v')
          .select(sql.lit(1).as('one'))
          .where((vb) =>
            vb.and([
              vb('v.product_id', '=', vb.ref('p.id')),
              ...(filter.inStock
                ? [vb.or([vb('v.stock', '>', 0), vb('v.track_stock', '=', 0), vb('v.allow_backorder', '=', 1)])]
                : []),
              ...options.map(([name, values]) =>
                vb.exists(
                  vb
                    .selectFrom('variant_option_values as ov')
                    .select(sql.lit(1).as('one'))
                    .where('ov.variant_id', '=', vb.ref('v.id'))
                    .where('ov.name', '=', name)
                    .where('ov.value', 'in', values),
                ),
              ),
            ]),
          ),
      ),
    )
  }
  return eb.and(conditions)
}

export async function selectListing(db: Db, filter: ListingFilter, sort: ListingSort, limit: number, offset: number) {
  let query = db
    .selectFrom('products as p')
    .select(cardColumns)
    .where((eb) => applyFilter(eb, filter))
  query =
    sort === 'price_asc'
      ? query.orderBy('p.price_min', 'asc').orderBy('p.id', 'asc')
      : sort === 'price_desc'
        ? query.orderBy('p.price_min', 'desc').orderBy('p.id', 'desc')
        : sort === 'name'
          ? query.orderBy('p.title', 'asc').orderBy('p.id', 'asc')
          : query.orderBy('p.published_at', 'desc').orderBy('p.id', 'desc')
  return query.limit(limit).offset(offset).execute()
}

/** Counts matches up to `cap`: a listing never counts more rows than it could show. */
export async function countListing(db: Db, filter: ListingFilter, cap: number): Promise<number> {
  const row = await db
    .selectFrom((qb) =>
      qb
        .selectFrom('products as p')
        .select(sql.lit(1).as('one'))
        .where((eb) => applyFilter(eb, filter))
        .limit(cap)
        .as('matches'),
    )
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function selectFeatured(db: Db, limit: number) {
  return db
    .selectFrom('products as p')
    .select(cardColumns)
    .where('p.status', '=', 'active')
    .where('p.featured', '=', 1)
    .orderBy('p.published_at', 'desc')
    .limit(limit)
    .execute()
}

export async function selectRelated(db: Db, product: { id: number; category_id: number | null }, limit: number) {
  if (product.category_id === null) return []
  return db
    .selectFrom('products as p')
    .select(cardColumns)
    .where('p.category_id', '=', product.category_id)
    .where('p.status', '=', 'active')
    .where('p.id', '!=', product.id)
    .orderBy('p.published_at', 'desc')
    .orderBy('p.id', 'desc')
    .limit(limit)
    .execute()
}

/** The first image of each product, for cards. */
export async function selectCoverImages(db: Db, productIds: number[]) {
  if (productIds.length === 0) return []
  return db
    .selectFrom('product_images as pi')
    .innerJoin('images as i', 'i.id', 'pi.image_id')
    .select(['pi.product_id', 'pi.alt', 'i.key', 'i.width', 'i.height', 'i.widths'])
    .where('pi.product_id', 'in', productIds)
    .where('pi.position', '=', 0)
    .execute()
}

export async function selectProductBySlug(db: Db, slug: string) {
  return db.selectFrom('products').selectAll().where('slug', '=', slug).executeTakeFirst()
}

export async function selectProductById(db: Db, id: number) {
  return db.selectFrom('products').selectAll().where('id', '=', id).executeTakeFirst()
}

/** The current slug of a product that used to answer to `slug`. */
export async function selectRenamedSlug(db: Db, slug: string) {
  const row = await db
    .selectFrom('product_slugs as s')
    .innerJoin('products as p', 'p.id', 's.product_id')
    .select('p.slug')
    .where('s.slug', '=', slug)
    .executeTakeFirst()
  return row?.slug
}

export async function selectVariants(db: Db, productId: number) {
  return db
    .selectFrom('variants')
    .select([
      'id',
      'sku',
      'options',
      'price',
      'compare_at_price',
      'stock',
      'track_stock',
      'allow_backorder',
      'position',
    ])
    .where('product_id', '=', productId)
    .orderBy('position')
    .orderBy('id')
    .execute()
}

/** A variant's option values and its product's slug. */
export async function selectVariantOptions(db: Db, variantId: number) {
  return db
    .selectFrom('variants as v')
    .innerJoin('products as p', 'p.id', 'v.product_id')
    .select(['v.options', 'p.slug'])
    .where('v.id', '=', variantId)
    .executeTakeFirst()
}

/** A product's pictures in the order the shop shows them, with the stored files' key and size. */
export async function selectProductImages(db: Db, productId: number) {
  return (
    db
      .selectFrom('product_images as pi')
      .innerJoin('images as i', 'i.id', 'pi.image_id')
      .select(['pi.id', 'pi.alt', 'pi.position', 'i.key', 'i.width', 'i.height', 'i.widths'])
      .where('pi.product_id', '=', productId)
      .orderBy('pi.position')
      // Two uploads at once can share a position: the id keeps the order the same on every page and for every move.
      .orderBy('pi.id')
      .execute()
  )
}

export async function insertCategory(db: Db, category: NewCategory) {
  const row = await db.insertInto('categories').values(category).returning('id').executeTakeFirstOrThrow()
  return row.id
}

export async function selectCategoryById(db: Db, id: number) {
  return db.selectFrom('categories').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Every category's parent, to walk a branch. */
export async function selectCategoryParents(db: Db) {
  return db.selectFrom('categories').select(['id', 'parent_id']).execute()
}

export async function selectCategoryIdBySlug(db: Db, slug: string): Promise<number | undefined> {
  return (await db.selectFrom('categories').select('id').where('slug', '=', slug).executeTakeFirst())?.id
}

/** The last position among a parent's children (-1 when it has none). */
export async function selectLastCategoryPosition(db: Db, parentId: number | null): Promise<number> {
  const row = await db
    .selectFrom('categories')
    .select((eb) => eb.fn.coalesce(eb.fn.max('position'), eb.lit(-1)).as('p'))
    .where('parent_id', parentId === null ? 'is' : '=', parentId)
    .executeTakeFirstOrThrow()
  return Number(row.p)
}

/** A parent's children in the shop's order. */
export async function selectCategorySiblings(db: Db, parentId: number | null) {
  return db
    .selectFrom('categories')
    .select(['id', 'name', 'position'])
    .where('parent_id', parentId === null ? 'is' : '=', parentId)
    .orderBy('position')
    .orderBy('name')
    .execute()
}

export async function updateCategoryRow(db: Db, id: number, changes: Updateable<CategoriesTable>): Promise<void> {
  await db.updateTable('categories').set(changes).where('id', '=', id).execute()
}

export async function insertProduct(db: Db, product: NewProduct) {
  const row = await db.insertInto('products').values(product).returning('id').executeTakeFirstOrThrow()
  return row.id
}

export async function updateProductRow(db: Db, id: number, changes: ProductUpdate) {
  await db.updateTable('products').set(changes).where('id', '=', id).execute()
}

export async function insertOldSlug(db: Db, slug: string, productId: number, createdAt: string) {
  await db
    .insertInto('product_slugs')
    .values({ slug, product_id: productId, created_at: createdAt })
    .onConflict((oc) => oc.column('slug').doUpdateSet({ product_id: productId, created_at: createdAt }))
    .execute()
}

/** A slug that comes back to its product stops being a redirect. */
export async function deleteOldSlug(db: Db, slug: string) {
  await db.deleteFrom('product_slugs').where('slug', '=', slug).execute()
}

export async function slugTaken(db: Db, slug: string, exceptProductId?: number): Promise<boolean> {
  const current = await db
    .selectFrom('products')
    .select('id')
    .where('slug', '=', slug)
    .$if(exceptProductId !== undefined, (q) => q.where('id', '!=', exceptProductId as number))
    .executeTakeFirst()
  if (current) return true
  const old = await db
    .selectFrom('product_slugs')
    .select('product_id')
    .where('slug', '=', slug)
    .$if(exceptProductId !== undefined, (q) => q.where('product_id', '!=', exceptProductId as number))
    .executeTakeFirst()
  return old !== undefined
}

export async function insertVariant(db: Db, variant: NewVariant, optionValues: Record<string, string>) {
  const row = await db.insertInto('variants').values(variant).returning('id').executeTakeFirstOrThrow()
  const entries = Object.entries(optionValues)
  if (entries.length > 0) {
    await db
      .insertInto('variant_option_values')
      .values(entries.map(([name, value]) => ({ variant_id: row.id, product_id: variant.product_id, name, value })))
      .execute()
  }
  return row.id
}

export async function insertProductImage(
  db: Db,
  image: { product_id: number; image_id: number; position: number; alt: string },
) {
  await db.insertInto('product_images').values(image).execute()
}

/**
 * The distinct option values in one category (every category when
 * `categoryId` is undefined), in name and value order. A skip scan over the
 * (category, name, value) index: one indexed step per distinct value,
 * however many variants there are.
 */
export async function selectOptionValues(db: Db, categoryId: number | undefined, limit: number) {
  const values: { name: string; value: string }[] = []
  const from = () =>
    db
      .selectFrom('variant_option_values')
      .select(['name', 'value'])
      .$if(categoryId !== undefined, (q) => q.where('category_id', '=', categoryId as number))
  let last: { name: string; value: string } | undefined
  while (values.length < limit) {
    // Two plain range seeks: SQLite seeks a row-value comparison on its first column only.
    const after = last
    const row =
      (after &&
        (await from()
          .where('name', '=', after.name)
          .where('value', '>', after.value)
          .orderBy('name')
          .orderBy('value')
          .limit(1)
          .executeTakeFirst())) ??
      (await from()
        .$if(after !== undefined, (q) => q.where('name', '>', after?.name ?? ''))
        .orderBy('name')
        .orderBy('value')
        .limit(1)
        .executeTakeFirst())
    if (!row) break
    values.push(row)
    last = row
  }
  return values
}

/**
 * How many active products in one category (every category when undefined)
 * offer an option value, counting at most `cap`, and the average position of
 * the first variant holding it in each (Small before Large, as products list them).
 */
export async function countOptionValue(
  db: Db,
  categoryId: number | undefined,
  option: { name: string; value: string },
  cap: number,
): Promise<{ products: number; position: number | null }> {
  const row = await db
    .selectFrom((qb) =>
      qb
        .selectFrom('variant_option_values as ov')
        .innerJoin('products as p', 'p.id', 'ov.product_id')
        .innerJoin('variants as v', 'v.id', 'ov.variant_id')
        .select((eb) => ['ov.product_id', eb.fn.min('v.position').as('position')])
        .$if(categoryId !== undefined, (q) => q.where('ov.category_id', '=', categoryId as number))
        .where('ov.name', '=', option.name)
        .where('ov.value', '=', option.value)
        .where('p.status', '=', 'active')
        .groupBy('ov.product_id')
        .limit(cap)
        .as('matches'),
    )
    .select((eb) => [eb.fn.countAll<number>().as('products'), eb.fn.avg('position').as('position')])
    .executeTakeFirstOrThrow()
  return { products: Number(row.products), position: row.position === null ? null : Number(row.position) }
}

/** Each product's variants on sale (a compare-at price above the price), for the "was" price on cards. */
export async function selectSalePrices(db: Db, productIds: number[]) {
  if (productIds.length === 0) return []
  return db
    .selectFrom('variants')
    .select(['product_id', 'price', 'compare_at_price'])
    .where('product_id', 'in', productIds)
    .whereRef('compare_at_price', '>', 'price')
    .execute()
}

export async function countProducts(db: Db): Promise<number> {
  const row = await db
    .selectFrom('products')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** The highest product and variant ids, so a bulk load can number its rows itself. */
export async function selectLastCatalogueIds(db: Db): Promise<{ product: number; variant: number }> {
  const [products, variants] = await Promise.all([
    db
      .selectFrom('products')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('variants')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirstOrThrow(),
  ])
  return { product: Number(products.id ?? 0), variant: Number(variants.id ?? 0) }
}

/** Bulk insert for seeding and imports: many rows a statement, well under SQLite's parameter limit. */
export async function insertCatalogueRows<
  T extends 'products' | 'variants' | 'variant_option_values' | 'product_images',
>(db: Db, table: T, rows: readonly Insertable<Database[T]>[]) {
  for (const batch of batches(rows)) {
    await db
      .insertInto(table)
      .values(batch as never)
      .execute()
  }
}
