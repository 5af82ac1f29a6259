import { VersionedCache } from '../../db/change-counters.js'
import type { Db } from '../../db/connection.js'
import { withFields } from '../../lib/objects.js'
import { descendantIds, loadCategoryTree } from '../catalogue/catalogue.service.js'
import { toMatchQuery } from '../catalogue/search.js'
import { LOW_STOCK } from '../dashboard/dashboard.service.js'
import type { ProductListFilter } from './products.forms.js'
import {
  type AdminProductFilter,
  type AdminProductSort,
  countAdminProducts,
  selectAdminProducts,
  selectVariantFigures,
} from './products.repository.js'

export const PRODUCTS_PER_PAGE = 25
/** Counting stops here ("more than 10,000"), so a broad filter never counts the whole table. */
export const PRODUCT_COUNT_CAP = 10_000

export const PRODUCT_SORTS: [AdminProductSort, string][] = [
  ['newest', 'Newest first'],
  ['updated', 'Recently changed'],
  ['title', 'Title A–Z'],
  ['price_asc', 'Price, low to high'],
  ['price_desc', 'Price, high to low'],
]

/** The filters as the query string keeps them (page and the default sort left out). */
export function productFilterParams(filter: ProductListFilter): Record<string, string> {
  return {
    q: filter.q,
    status: filter.status,
    category: filter.category,
    stock: filter.stock,
    sort: filter.sort === 'newest' ? '' : filter.sort,
  }
}

/** The list's filters as the repository takes them; null when they can match nothing (an unknown category, a search of symbols). */
export async function productQuery(db: Db, filter: ProductListFilter): Promise<AdminProductFilter | null> {
  let categoryIds: number[] | null = null
  if (filter.category) {
    const node = (await loadCategoryTree(db)).byId.get(Number(filter.category))
    if (!node) return null
    categoryIds = descendantIds(node)
  }
  const match = filter.q ? toMatchQuery(filter.q) : null
  if (filter.q && match === null) return null
  return {
    match,
    status: filter.status || null,
    categoryIds,
    stock: filter.stock || null,
    lowStockAt: LOW_STOCK,
  }
}

/**
 * Counting the matches costs more than reading a page of them, and staff page
 * through one filter many times: a count is kept until the catalogue changes
 * (its change counter), in any process.
 */
const productCounts = new VersionedCache<string, number>('catalogue', 200)

/** One page of the back office's product list, with the (capped) number of matches. */
export async function listAdminProducts(db: Db, filter: ProductListFilter) {
  const query = await productQuery(db, filter)
  const page = Number(filter.page || 1)
  if (!query) return { products: [], total: 0, page }
  const [rows, total] = await Promise.all([
    selectAdminProducts(db, query, filter.sort, PRODUCTS_PER_PAGE, (page - 1) * PRODUCTS_PER_PAGE),
    productCounts.get(db, JSON.stringify(query), () => countAdminProducts(db, query, PRODUCT_COUNT_CAP)),
  ])
  const figures = new Map(
    (
      await selectVariantFigures(
        db,
        rows.map((p) => p.id),
      )
    ).map((f) => [f.product_id, f]),
  )
  const products = rows.map((p) =>
    withFields(p, {
      variant_count: figures.get(p.id)?.variant_count ?? 0,
      stock_total: figures.get(p.id)?.stock_total ?? null,
    }),
  )
  return { products, total, page }
}
