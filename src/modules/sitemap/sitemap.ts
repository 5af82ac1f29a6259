import { VersionedCache } from '../../db/change-counters.js'
import type { Db } from '../../db/connection.js'
import { type Missing, missing } from '../../lib/outcomes.js'
import { INDEXABLE_PAGES } from '../catalogue/indexing.js'
import { imageUrl } from '../images/images.js'
import {
  countIndexableProducts,
  selectImagesOfProducts,
  selectIndexableProductIdAfter,
  selectIndexableProductsAfter,
  selectNewestCatalogueUpdate,
  selectNewestCategoryUpdate,
  selectSitemapCategories,
} from './sitemap.repository.js'

/**
 * The XML sitemaps (sitemaps.org 0.9, with Google's image extension). The
 * index names one file of pages, one of categories and as many product files
 * as it takes to keep each within the protocol's 50,000 URLs. Product files
 * are written as they are read, a page of products at a time, so a shop of
 * any size is served in flat memory.
 */

/** Crawlers come back often; five minutes keeps a burst of them off the database (robots.txt too). */
export const SITEMAP_CACHE_CONTROL = 'public, max-age=300'

/** The protocol's limit of URLs in one sitemap file. */
export const SITEMAP_MAX_URLS = 50_000
/** Products read per query while a product file is written. */
export const SITEMAP_PAGE_SIZE = 1000
/** The width of the image listed for a product, or the largest there is when it was smaller. */
const SITEMAP_IMAGE_WIDTH = 1200

const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9'
const IMAGE_NS = 'http://www.google.com/schemas/sitemap-image/1.1'
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

/** Pages whose content is the catalogue, so their lastmod is the catalogue's newest change. */
const CATALOGUE_PAGES: ReadonlySet<string> = new Set(['/', '/products'])

export interface SitemapLimits {
  /** URLs in one product file; only tests lower it. */
  maxUrls: number
  /** Products read per query. */
  pageSize: number
}

export const DEFAULT_SITEMAP_LIMITS: SitemapLimits = { maxUrls: SITEMAP_MAX_URLS, pageSize: SITEMAP_PAGE_SIZE }

export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ENTITIES[c] as string)
}
const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }

/** W3C datetime in UTC to the second; a value that is not a date is left out rather than sent wrong. */
export function w3cDatetime(stored: string | null | undefined): string | null {
  if (!stored) return null
  const date = new Date(stored)
  return Number.isNaN(date.getTime()) ? null : date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function urlEntry(loc: string, lastmod: string | null, extra = ''): string {
  const modified = w3cDatetime(lastmod)
  return `<url><loc>${xmlEscape(loc)}</loc>${modified ? `<lastmod>${modified}</lastmod>` : ''}${extra}</url>\n`
}

/** Counting 100,000 products takes milliseconds; the count changes only with the catalogue. */
const indexableCounts = new VersionedCache<'count', number>('catalogue', 1)

export async function productFileCount(db: Db, limits: SitemapLimits = DEFAULT_SITEMAP_LIMITS): Promise<number> {
  const count = await indexableCounts.get(db, 'count', () => countIndexableProducts(db))
  return Math.ceil(count / limits.maxUrls)
}

/** The sitemap index: the children's addresses, with lastmod where it is cheap to know. */
export async function sitemapIndexXml(db: Db, base: string, limits: SitemapLimits = DEFAULT_SITEMAP_LIMITS) {
  const [files, newest, newestCategory] = await Promise.all([
    productFileCount(db, limits),
    selectNewestCatalogueUpdate(db),
    selectNewestCategoryUpdate(db),
  ])
  const child = (path: string, lastmod: string | null) => {
    const modified = w3cDatetime(lastmod)
    return `<sitemap><loc>${xmlEscape(base + path)}</loc>${modified ? `<lastmod>${modified}</lastmod>` : ''}</sitemap>\n`
  }
  let xml = `${XML_DECLARATION}<sitemapindex xmlns="${SITEMAP_NS}">\n`
  xml += child('/sitemaps/pages.xml', newest)
  xml += child('/sitemaps/categories.xml', newestCategory)
  for (let n = 1; n <= files; n++) xml += child(`/sitemaps/products-${n}.xml`, null)
  return `${xml}</sitemapindex>\n`
}

export async function pagesSitemapXml(db: Db, base: string): Promise<string> {
  const newest = await selectNewestCatalogueUpdate(db)
  const entries = INDEXABLE_PAGES.map((path) => urlEntry(base + path, CATALOGUE_PAGES.has(path) ? newest : null))
  return `${XML_DECLARATION}<urlset xmlns="${SITEMAP_NS}">\n${entries.join('')}</urlset>\n`
}

export async function categoriesSitemapXml(db: Db, base: string): Promise<string> {
  const categories = await selectSitemapCategories(db)
  const entries = categories.map((c) => urlEntry(`${base}/categories/${c.slug}`, c.updated_at))
  return `${XML_DECLARATION}<urlset xmlns="${SITEMAP_NS}">\n${entries.join('')}</urlset>\n`
}

/**
 * Product file `file` (from 1) when the catalogue fills that many: its XML
 * is read only as it is written out, so nobody reads it for a HEAD request.
 */
export async function productsSitemapFile(
  db: Db,
  base: string,
  file: number,
  limits: SitemapLimits = DEFAULT_SITEMAP_LIMITS,
): Promise<{ kind: 'file'; xml: () => AsyncGenerator<string> } | Missing> {
  if (file > (await productFileCount(db, limits))) return missing
  return { kind: 'file', xml: () => productsSitemapXml(db, base, file, limits) }
}

/**
 * Product file `file` (from 1), in pieces as it is read: the products from
 * number (file - 1) × maxUrls + 1 on, by id, a page per query and their
 * images in one more. The caller checks that the file exists first.
 */
export async function* productsSitemapXml(
  db: Db,
  base: string,
  file: number,
  limits: SitemapLimits = DEFAULT_SITEMAP_LIMITS,
): AsyncGenerator<string> {
  yield `${XML_DECLARATION}<urlset xmlns="${SITEMAP_NS}" xmlns:image="${IMAGE_NS}">\n`
  let afterId = await selectIndexableProductIdAfter(db, (file - 1) * limits.maxUrls)
  let remaining = limits.maxUrls
  while (remaining > 0) {
    const products = await selectIndexableProductsAfter(db, afterId, Math.min(limits.pageSize, remaining))
    if (products.length === 0) break
    const images = await selectImagesOfProducts(
      db,
      products.map((p) => p.id),
    )
    const imagesOf = new Map<number, string[]>()
    for (const image of images) {
      const tag = `<image:image><image:loc>${xmlEscape(base + imageUrl(image.key, sitemapWidth(image.widths), 'jpg'))}</image:loc></image:image>`
      imagesOf.set(image.product_id, [...(imagesOf.get(image.product_id) ?? []), tag])
    }
    yield products
      .map((p) => urlEntry(`${base}/products/${p.slug}`, p.updated_at, (imagesOf.get(p.id) ?? []).join('')))
      .join('')
    afterId = products[products.length - 1]?.id as number
    remaining -= products.length
  }
  yield '</urlset>\n'
}

/** 1200 when it was generated, else the largest width there is. */
function sitemapWidth(widthsJson: string): number {
  const widths: unknown = JSON.parse(widthsJson)
  const list = Array.isArray(widths) ? widths.filter((w): w is number => Number.isInteger(w) && w > 0) : []
  if (list.includes(SITEMAP_IMAGE_WIDTH)) return SITEMAP_IMAGE_WIDTH
  return list.length > 0 ? Math.max(...list) : SITEMAP_IMAGE_WIDTH
}
