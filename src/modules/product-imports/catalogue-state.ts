import { batches } from '../../db/batches.js'
import type { Db } from '../../db/connection.js'
import type { ProductStatus, TaxClass } from '../../db/schema.js'
import {
  selectCategorySlugs,
  selectProductsBySlug,
  selectRedirectedSlugs,
  selectVariantsBySku,
  selectVariantsOfProducts,
} from './product-imports.repository.js'
import type { ImportRow } from './product-rows.js'
import { timeSlices } from './time-slices.js'

/** What the shop holds for the file's SKUs and handles (loaded here from product-imports.repository.ts). */
export interface ExistingProduct {
  id: number
  slug: string
  title: string
  status: ProductStatus
  category_id: number | null
  tax_class: TaxClass
  description_md: string
  seo_title: string | null
  seo_description: string | null
  attributes: string
  option_names: string
  published_at: string | null
}

export interface ExistingVariant {
  id: number
  product_id: number
  product_slug: string
  sku: string
  options: string
  price: number
  compare_at_price: number | null
  stock: number
  track_stock: number
  allow_backorder: number
  position: number
}

export interface CatalogueState {
  currency: string
  /** Every category: address → id, and back. */
  categoryIds: ReadonlyMap<string, number>
  categorySlugs: ReadonlyMap<number, string>
  /** The file's SKUs that the shop knows. */
  variants: ReadonlyMap<string, ExistingVariant>
  /** The file's handles that are products. */
  products: ReadonlyMap<string, ExistingProduct>
  /** Every variant of those products. */
  productVariants: ReadonlyMap<number, readonly ExistingVariant[]>
  /** The file's handles that are old addresses of a product (they still redirect to it). */
  redirects: ReadonlyMap<string, string>
}

/** Values per IN list. */
const LOOKUP_BATCH = 500

export interface LoadedState extends CatalogueState {
  categoryIds: Map<string, number>
  categorySlugs: Map<number, string>
  variants: Map<string, ExistingVariant>
  products: Map<string, ExistingProduct>
  productVariants: Map<number, ExistingVariant[]>
  redirects: Map<string, string>
  looked: { skus: Set<string>; handles: Set<string> }
}

export function emptyState(currency: string): LoadedState {
  return {
    currency,
    categoryIds: new Map(),
    categorySlugs: new Map(),
    variants: new Map(),
    products: new Map(),
    productVariants: new Map(),
    redirects: new Map(),
    looked: { skus: new Set(), handles: new Set() },
  }
}

/** Looks up what the shop holds for these rows' SKUs and handles (each once). */
export async function loadRows(db: Db, rows: readonly ImportRow[], state: LoadedState): Promise<void> {
  const skus = [...new Set(rows.map((r) => r.sku))].filter((sku) => !state.looked.skus.has(sku))
  const handles = [...new Set(rows.map((r) => r.handle))].filter((handle) => !state.looked.handles.has(handle))
  for (const sku of skus) state.looked.skus.add(sku)
  for (const handle of handles) state.looked.handles.add(handle)
  for (const batch of batches(skus, LOOKUP_BATCH)) {
    for (const variant of await selectVariantsBySku(db, batch)) state.variants.set(variant.sku, variant)
  }
  for (const batch of batches(handles, LOOKUP_BATCH)) {
    for (const product of await selectProductsBySlug(db, batch)) state.products.set(product.slug, product)
    for (const redirect of await selectRedirectedSlugs(db, batch))
      state.redirects.set(redirect.slug, redirect.product_slug)
  }
}

/** The rest the plan needs: the categories, and every variant of the products the file names. */
export async function completeState(db: Db, state: LoadedState): Promise<void> {
  // SQLite answers synchronously: without turns, a file naming 100,000 known products holds the event loop throughout.
  const turn = timeSlices()
  for (const category of await selectCategorySlugs(db)) {
    state.categoryIds.set(category.slug, category.id)
    state.categorySlugs.set(category.id, category.slug)
  }
  const ids = [...state.products.values()].map((p) => p.id)
  for (const batch of batches(ids, LOOKUP_BATCH)) {
    for (const variant of await selectVariantsOfProducts(db, batch)) {
      const list = state.productVariants.get(variant.product_id)
      if (list) list.push(variant)
      else state.productVariants.set(variant.product_id, [variant])
    }
    await turn()
  }
}
