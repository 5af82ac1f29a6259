import { VersionedCache } from '../../db/change-counters.js'
import type { Db } from '../../db/connection.js'
import type { Category, Product, ProductStatus } from '../../db/schema.js'
import { withFields } from '../../lib/objects.js'
import { nowIso } from '../../lib/time.js'
import {
  countListing,
  deleteOldSlug,
  insertOldSlug,
  insertProduct,
  insertProductImage,
  insertVariant,
  type ListingFilter,
  type ListingSort,
  selectCategories,
  selectCoverImages,
  selectFeatured,
  selectListing,
  countOptionValue,
  selectOptionValues,
  selectProductById,
  selectProductBySlug,
  selectProductImages,
  selectRelated,
  selectRenamedSlug,
  selectSalePrices,
  selectVariants,
  slugTaken,
  updateProductRow,
} from './catalogue.repository.js'
import { renderDescription } from './markdown.js'

export interface CategoryNode {
  id: number
  name: string
  slug: string
  description: string
  parentId: number | null
  children: CategoryNode[]
  updatedAt: string
}

export interface CategoryTree {
  roots: CategoryNode[]
  byId: Map<number, CategoryNode>
  bySlug: Map<string, CategoryNode>
}

export function buildCategoryTree(
  rows: Pick<Category, 'id' | 'parent_id' | 'name' | 'slug' | 'description' | 'updated_at'>[],
): CategoryTree {
  const byId = new Map<number, CategoryNode>()
  for (const row of rows) {
    byId.set(row.id, {
      id: row.id,
      name: row.name,
      slug: row.slug,
      description: row.description,
      parentId: row.parent_id,
      children: [],
      updatedAt: row.updated_at,
    })
  }
  const roots: CategoryNode[] = []
  for (const node of byId.values()) {
    const parent = node.parentId === null ? undefined : byId.get(node.parentId)
    if (parent) parent.children.push(node)
    else roots.push(node)
  }
  return { roots, byId, bySlug: new Map([...byId.values()].map((n) => [n.slug, n])) }
}

/**
 * Every storefront page reads the category tree, option values and listing
 * counts; they change only with the catalogue, so a copy is kept per
 * catalogue version. Cached values are shared between requests: never mutate them.
 */
const categoryTrees = new VersionedCache<'tree', CategoryTree>('catalogue', 1)
const facetLists = new VersionedCache<string, FacetGroup[]>('catalogue', 200)
const listingCounts = new VersionedCache<string, number>('catalogue', 2000)

export function loadCategoryTree(db: Db): Promise<CategoryTree> {
  return categoryTrees.get(db, 'tree', async () => buildCategoryTree(await selectCategories(db)))
}

export interface FacetGroup {
  /** The option's name: Size, Colour. */
  name: string
  /** `more`: more than `products` offer it (the count stopped at FACET_COUNT_CAP). */
  values: { value: string; products: number; more: boolean }[]
}

/** How many option values a listing offers as filters, across all options. */
export const FACET_LIMIT = 60
/** Counting products per value stops here: the form says "100+". */
export const FACET_COUNT_CAP = 100

/**
 * The option values shoppers can filter a listing by: only those that active
 * products in the branch being browsed offer (a linen listing never offers
 * pot sizes), each with how many products offer it (up to FACET_COUNT_CAP),
 * in the order the products list them. Read per category, each a few indexed
 * steps, so a large branch costs no more than a small one.
 */
export function listingFacets(db: Db, categoryIds: number[] | undefined): Promise<FacetGroup[]> {
  return facetLists.get(db, JSON.stringify(categoryIds ?? null), async () => {
    const found = new Map<string, { name: string; value: string; products: number; position: number }>()
    for (const categoryId of categoryIds ?? [undefined]) {
      for (const option of await selectOptionValues(db, categoryId, FACET_LIMIT)) {
        const key = JSON.stringify([option.name, option.value])
        const before = found.get(key)
        if (!before && found.size >= FACET_LIMIT) continue
        const counted = await countOptionValue(db, categoryId, option, FACET_COUNT_CAP + 1)
        if (counted.products === 0) continue // only drafts or archived products offer it
        found.set(key, {
          name: option.name,
          value: option.value,
          products: (before?.products ?? 0) + counted.products,
          // Averaged over the products counted in every category.
          position:
            ((before?.position ?? 0) * (before?.products ?? 0) + (counted.position ?? 0) * counted.products) /
            ((before?.products ?? 0) + counted.products),
        })
      }
    }
    const groups = new Map<string, FacetGroup>()
    const sorted = [...found.values()].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : a.position - b.position || (a.value < b.value ? -1 : 1),
    )
    for (const row of sorted) {
      const group = groups.get(row.name) ?? { name: row.name, values: [] }
      group.values.push({
        value: row.value,
        products: Math.min(row.products, FACET_COUNT_CAP),
        more: row.products > FACET_COUNT_CAP,
      })
      groups.set(row.name, group)
    }
    return [...groups.values()]
  })
}

/** A category and everything below it, for "Clothing" to list shirts too. */
export function descendantIds(node: CategoryNode): number[] {
  const ids: number[] = []
  const stack = [node]
  const seen = new Set<number>()
  while (stack.length) {
    const next = stack.pop() as CategoryNode
    if (seen.has(next.id)) continue // a cycle made by hand in the database must not hang a page
    seen.add(next.id)
    ids.push(next.id)
    stack.push(...next.children)
  }
  return ids
}

/** Root first: Clothing › Shirts. */
export function categoryPath(tree: CategoryTree, id: number | null): CategoryNode[] {
  const path: CategoryNode[] = []
  let node = id === null ? undefined : tree.byId.get(id)
  while (node && !path.includes(node)) {
    path.unshift(node)
    node = node.parentId === null ? undefined : tree.byId.get(node.parentId)
  }
  return path
}

export interface CardImage {
  key: string
  width: number
  height: number
  widths: string
  alt: string
}

export interface ProductCard {
  id: number
  slug: string
  title: string
  price_min: number
  price_max: number
  in_stock: number
  image: CardImage | null
  /** The price the cheapest variant was before its sale ("was £x"), or null when it is not on sale. */
  compare_at: number | null
}

type CardRow = Omit<ProductCard, 'image' | 'compare_at'>

/** Cards for product rows: each product's cover picture and, when its lowest price is a sale price, the price it was. */
export async function productCards<T extends CardRow>(
  db: Db,
  rows: T[],
): Promise<(Omit<T, 'image' | 'compare_at'> & Pick<ProductCard, 'image' | 'compare_at'>)[]> {
  const ids = rows.map((r) => r.id)
  const [covers, sales] = await Promise.all([selectCoverImages(db, ids), selectSalePrices(db, ids)])
  const coverOf = new Map(covers.map((c) => [c.product_id, c]))
  const wasOf = new Map<number, number>()
  const rowOf = new Map(rows.map((r) => [r.id, r]))
  for (const sale of sales) {
    // Only a sale on the price the card shows ("From £18") is shown as that price's "was".
    if (sale.price === rowOf.get(sale.product_id)?.price_min && sale.compare_at_price !== null) {
      wasOf.set(sale.product_id, Math.max(wasOf.get(sale.product_id) ?? 0, sale.compare_at_price))
    }
  }
  return rows.map((row) => {
    const cover = coverOf.get(row.id)
    return withFields(row, {
      image: cover
        ? { key: cover.key, width: cover.width, height: cover.height, widths: cover.widths, alt: cover.alt }
        : null,
      compare_at: wasOf.get(row.id) ?? null,
    })
  })
}

export async function listProducts(
  db: Db,
  filter: ListingFilter,
  sort: ListingSort,
  page: number,
  perPage: number,
  maxPages: number,
): Promise<{ products: ProductCard[]; total: number; capped: boolean }> {
  const cap = perPage * maxPages
  const [rows, total] = await Promise.all([
    selectListing(db, filter, sort, perPage, (page - 1) * perPage),
    listingCounts.get(db, JSON.stringify([filter, cap]), () => countListing(db, filter, cap + 1)),
  ])
  return { products: await productCards(db, rows), total: Math.min(total, cap), capped: total > cap }
}

export async function homeProducts(db: Db) {
  const [featured, newest] = await Promise.all([selectFeatured(db, 8), selectListing(db, {}, 'newest', 8, 0)])
  return { featured: await productCards(db, featured), newest: await productCards(db, newest) }
}

export type ProductLookup =
  | { kind: 'found'; product: Product }
  | { kind: 'moved'; slug: string }
  | { kind: 'archived'; product: Product }
  | { kind: 'missing' }

/** What a product address answers: the page, a 301 to the new slug, 410 for an archived product, 404 otherwise (drafts too). */
export async function lookupProduct(db: Db, slug: string): Promise<ProductLookup> {
  const product = await selectProductBySlug(db, slug)
  if (product?.status === 'active') return { kind: 'found', product }
  if (product?.status === 'archived') return { kind: 'archived', product }
  if (product) return { kind: 'missing' }
  const current = await selectRenamedSlug(db, slug)
  return current ? { kind: 'moved', slug: current } : { kind: 'missing' }
}

export interface VariantView {
  id: number
  sku: string
  options: Record<string, string>
  price: number
  compareAtPrice: number | null
  stock: number
  available: boolean
  /** Shown next to the price: "In stock", "Only 3 left", "Out of stock", "Available on backorder". */
  stockLabel: string
}

export function stockLabel(v: { stock: number; track_stock: number; allow_backorder: number }): {
  available: boolean
  label: string
} {
  if (!v.track_stock) return { available: true, label: 'In stock' }
  if (v.stock > 5) return { available: true, label: 'In stock' }
  if (v.stock > 0) return { available: true, label: `Only ${v.stock} left` }
  if (v.allow_backorder) return { available: true, label: 'Available on backorder' }
  return { available: false, label: 'Out of stock' }
}

export async function productDetails(db: Db, product: Product) {
  const [variantRows, images, related] = await Promise.all([
    selectVariants(db, product.id),
    selectProductImages(db, product.id),
    selectRelated(db, product, 4),
  ])
  const variants: VariantView[] = variantRows.map((v) => {
    const stock = stockLabel(v)
    return {
      id: v.id,
      sku: v.sku,
      options: parseJson<Record<string, string>>(v.options, {}),
      price: v.price,
      compareAtPrice: v.compare_at_price,
      stock: v.stock,
      available: stock.available,
      stockLabel: stock.label,
    }
  })
  return {
    variants,
    images,
    related: await productCards(db, related),
    optionNames: parseJson<string[]>(product.option_names, []),
    attributes: Object.entries(parseJson<Record<string, string>>(product.attributes, {})),
  }
}

/** The variant a shopper picked with the option form, or the first available one. */
export function chooseVariant(
  variants: VariantView[],
  optionNames: string[],
  query: Record<string, unknown>,
): { variant: VariantView | undefined; unavailable: boolean } {
  const wanted = optionNames.filter((name) => typeof query[name] === 'string')
  if (wanted.length) {
    const match = variants.find((v) => wanted.every((name) => v.options[name] === query[name]))
    if (match) return { variant: match, unavailable: false }
    return { variant: variants.find((v) => v.available) ?? variants[0], unavailable: true }
  }
  return { variant: variants.find((v) => v.available) ?? variants[0], unavailable: false }
}

export function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T
  } catch {
    return fallback
  }
}

/** Lower-case letters, digits and dashes, at most `maxLength` of them; `fallback` when none are left. */
export function slugify(text: string, { maxLength = 150, fallback = 'product' } = {}): string {
  return (
    text
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/&/g, ' and ')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, maxLength) || fallback
  )
}

export interface NewProductInput {
  title: string
  slug?: string
  descriptionMd?: string
  status?: ProductStatus
  categoryId?: number | null
  seoTitle?: string | null
  seoDescription?: string | null
  attributes?: Record<string, string>
  optionNames?: string[]
  featured?: boolean
  variants: {
    sku: string
    options?: Record<string, string>
    price: number
    compareAtPrice?: number | null
    stock?: number
    trackStock?: boolean
    allowBackorder?: boolean
  }[]
  images?: { imageId: number; alt: string }[]
}

/** Creates a product with its variants and images in one transaction; the search index follows by trigger. */
export async function createProduct(db: Db, input: NewProductInput): Promise<number> {
  const now = nowIso()
  const description = renderDescription(input.descriptionMd ?? '')
  return db.transaction().execute(async (trx) => {
    let slug = input.slug ?? slugify(input.title)
    for (let n = 2; await slugTaken(trx, slug); n++) slug = `${input.slug ?? slugify(input.title)}-${n}`
    const id = await insertProduct(trx, {
      slug,
      title: input.title,
      description_md: input.descriptionMd ?? '',
      description_html: description.html,
      description_text: description.text,
      status: input.status ?? 'draft',
      category_id: input.categoryId ?? null,
      seo_title: input.seoTitle ?? null,
      seo_description: input.seoDescription ?? null,
      attributes: JSON.stringify(input.attributes ?? {}),
      option_names: JSON.stringify(input.optionNames ?? []),
      featured: input.featured ? 1 : 0,
      published_at: (input.status ?? 'draft') === 'active' ? now : null,
      created_at: now,
      updated_at: now,
    })
    for (const [position, v] of input.variants.entries()) {
      await insertVariant(
        trx,
        {
          product_id: id,
          sku: v.sku,
          options: JSON.stringify(v.options ?? {}),
          price: v.price,
          compare_at_price: v.compareAtPrice ?? null,
          stock: v.stock ?? 0,
          track_stock: v.trackStock === false ? 0 : 1,
          allow_backorder: v.allowBackorder ? 1 : 0,
          position,
          created_at: now,
          updated_at: now,
        },
        v.options ?? {},
      )
    }
    for (const [position, image] of (input.images ?? []).entries()) {
      await insertProductImage(trx, { product_id: id, image_id: image.imageId, position, alt: image.alt })
    }
    return id
  })
}

/**
 * A product's address changes: the old one is kept as a permanent redirect,
 * and the new one stops being a redirect if it was one. Nothing when unchanged.
 */
export async function moveProductAddress(db: Db, id: number, from: string, to: string, now: string): Promise<void> {
  if (from === to) return
  await deleteOldSlug(db, to)
  await insertOldSlug(db, from, id, now)
}

export interface ProductChanges {
  title?: string
  slug?: string
  descriptionMd?: string
  status?: ProductStatus
  categoryId?: number | null
}

/** Changes a product; a new slug keeps the old one as a permanent redirect. */
export async function updateProduct(db: Db, id: number, changes: ProductChanges): Promise<void> {
  const now = nowIso()
  await db.transaction().execute(async (trx) => {
    const current = await selectProductById(trx, id)
    if (!current) throw new Error(`No product ${id}`)
    if (changes.slug && changes.slug !== current.slug) {
      if (await slugTaken(trx, changes.slug, id)) throw new Error(`The address ${changes.slug} is taken`)
      await moveProductAddress(trx, id, current.slug, changes.slug, now)
    }
    const description = changes.descriptionMd === undefined ? undefined : renderDescription(changes.descriptionMd)
    await updateProductRow(trx, id, {
      ...(changes.title !== undefined ? { title: changes.title } : {}),
      ...(changes.slug !== undefined ? { slug: changes.slug } : {}),
      ...(description
        ? {
            description_md: changes.descriptionMd,
            description_html: description.html,
            description_text: description.text,
          }
        : {}),
      ...(changes.status !== undefined ? { status: changes.status } : {}),
      ...(changes.status === 'active' && !current.published_at ? { published_at: now } : {}),
      ...(changes.categoryId !== undefined ? { category_id: changes.categoryId } : {}),
      updated_at: now,
    })
  })
}
