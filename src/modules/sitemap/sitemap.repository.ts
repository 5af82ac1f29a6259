import type { Db } from '../../db/connection.js'
import { INDEXABLE_PRODUCT_STATUS } from '../catalogue/indexing.js'

export async function countIndexableProducts(db: Db): Promise<number> {
  const row = await db
    .selectFrom('products')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('status', '=', INDEXABLE_PRODUCT_STATUS)
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

/** Any product counts, not only indexable ones: archiving a product changes the listings it leaves. */
export async function selectNewestCatalogueUpdate(db: Db): Promise<string | null> {
  const products = await db
    .selectFrom('products')
    .select((eb) => eb.fn.max('updated_at').as('newest'))
    .executeTakeFirst()
  const categories = await db
    .selectFrom('categories')
    .select((eb) => eb.fn.max('updated_at').as('newest'))
    .executeTakeFirst()
  // ISO-8601 UTC strings sort as the times they stand for.
  const dates = [products?.newest, categories?.newest].filter((d): d is string => typeof d === 'string').sort()
  return dates.at(-1) ?? null
}

export async function selectNewestCategoryUpdate(db: Db): Promise<string | null> {
  const row = await db
    .selectFrom('categories')
    .select((eb) => eb.fn.max('updated_at').as('newest'))
    .executeTakeFirst()
  return row?.newest ?? null
}

/** A shop has tens or hundreds of categories: one query, in the order they were made. */
export async function selectSitemapCategories(db: Db) {
  return db.selectFrom('categories').select(['slug', 'updated_at']).orderBy('id').execute()
}

/**
 * The id after which the indexable products numbered `skip + 1`, `skip + 2`, …
 * begin (0 when skip is 0): a sitemap file starts there and pages on by id.
 */
export async function selectIndexableProductIdAfter(db: Db, skip: number): Promise<number> {
  if (skip <= 0) return 0
  const row = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('products')
        .select('id')
        .where('status', '=', INDEXABLE_PRODUCT_STATUS)
        .orderBy('id')
        .limit(skip)
        .as('first'),
    )
    .select((eb) => eb.fn.max('first.id').as('last'))
    .executeTakeFirst()
  return row?.last ?? 0
}

/** One page of indexable products by keyset (id > afterId), never by OFFSET, so every page costs the same. */
export async function selectIndexableProductsAfter(db: Db, afterId: number, limit: number) {
  return db
    .selectFrom('products')
    .select(['id', 'slug', 'updated_at'])
    .where('status', '=', INDEXABLE_PRODUCT_STATUS)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute()
}

/** The images of a page of products, in one query, each product's in its own order. */
export async function selectImagesOfProducts(db: Db, productIds: readonly number[]) {
  if (productIds.length === 0) return []
  return db
    .selectFrom('product_images')
    .innerJoin('images', 'images.id', 'product_images.image_id')
    .select(['product_images.product_id', 'product_images.alt', 'images.key', 'images.widths'])
    .where('product_images.product_id', 'in', productIds)
    .orderBy('product_images.product_id')
    .orderBy('product_images.position')
    .orderBy('product_images.id')
    .execute()
}
