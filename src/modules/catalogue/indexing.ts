import type { ProductStatus } from '../../db/schema.js'

/**
 * The one rule for what search engines may index. Pages ask it whether to
 * send `noindex`; the sitemap asks it what to list. Both read these names,
 * so a page can never be in the sitemap and noindex at the same time.
 */

/** Only products with this status have a public page; draft is 404, archived 410. */
export const INDEXABLE_PRODUCT_STATUS: ProductStatus = 'active'

export function productIndexable(product: { status: ProductStatus }): boolean {
  return product.status === INDEXABLE_PRODUCT_STATUS
}

/** Pages that are not products or categories and belong in the sitemap. */
export const INDEXABLE_PAGES = ['/', '/products', '/contact'] as const

/** A listing narrowed by filters is a view of another page: noindex,follow, and never in the sitemap. Sort and page do not count. */
export function listingIndexable(filters: { active: boolean }): boolean {
  return !filters.active
}

/** Paths crawlers are asked to stay out of (robots.txt); none of them is ever in the sitemap. */
export const DISALLOWED_PATHS = ['/cart', '/checkout', '/account', '/admin', '/search', '/login', '/signup'] as const

/** robots.txt: the paths crawlers are asked to leave alone, and where the sitemap is. */
export function robotsTxt(base: string): string {
  const lines = ['User-agent: *', ...DISALLOWED_PATHS.map((path) => `Disallow: ${path}`), '']
  lines.push(`Sitemap: ${base}/sitemap.xml`, '')
  return lines.join('\n')
}
