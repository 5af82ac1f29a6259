/** The storefront's pages, measured as an anonymous visitor. */
import type { Target, TargetMaker } from './pages.js'

/** The filtered listing measured as "filtered"; change it when the listing's filters change. */
export const FILTERED_LISTING_PATH = '/products?in_stock=1&sort=price_asc'

/** The pages, in table order. `product` and `search` are built from the catalogue in the database. */
export const SHOP_PAGES = ['home', 'listing', 'filtered', 'product', 'search', 'sitemap'] as const

export const SHOP_PATHS: Partial<Record<(typeof SHOP_PAGES)[number], string>> = {
  home: '/',
  listing: '/products',
  filtered: FILTERED_LISTING_PATH,
  sitemap: '/sitemap.xml',
}

/** The storefront pages that are not one fixed path: `product` and `search`. */
export function shopTarget(page: string, { catalogue, size, plain, random, skip }: TargetMaker): Target {
  if (page === 'product') {
    if (catalogue.slugs.length === 0) return skip('/products/…', 'no active products')
    const paths = catalogue.slugs.map((slug) => `/products/${encodeURIComponent(slug)}`)
    return random(paths, `/products/… (${paths.length.toLocaleString('en')} random)`, `products-${size}`)
  }
  // search
  if (!catalogue.searchWord) return skip('/search?q=…', 'no active products to take a word from')
  return plain(`/search?q=${encodeURIComponent(catalogue.searchWord)}`)
}
