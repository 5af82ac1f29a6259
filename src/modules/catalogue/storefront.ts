import type { Db } from '../../db/connection.js'
import { formatMoney } from '../../lib/money.js'
import { withFields } from '../../lib/objects.js'
import { type Missing, missing } from '../../lib/outcomes.js'
import { paginate } from '../../lib/pagination.js'
import { productDeliveryNote } from '../cart/delivery-note.js'
import { getShopSettings } from '../settings/settings.service.js'
import type { ListingQuery } from './catalogue.forms.js'
import { selectVariantOptions } from './catalogue.repository.js'
import {
  categoryPath,
  chooseVariant,
  descendantIds,
  homeProducts,
  listingFacets,
  listProducts,
  loadCategoryTree,
  lookupProduct,
  parseJson,
  productDetails,
  type VariantView,
} from './catalogue.service.js'
import { listingIndexable, productIndexable } from './indexing.js'
import {
  activeFilters,
  filterGroups,
  isFiltered,
  listingCanonical,
  listingFilter,
  listingQueryString,
  MAX_PAGES,
  PER_PAGE,
  parseListingQuery,
  resultsHeading,
  SORTS,
} from './listing.js'
import { breadcrumbJsonLd, homeJsonLd, largestImageUrl, productJsonLd, productSeo } from './seo.js'

/**
 * What the storefront's catalogue pages show, worked out from the request's
 * checked query: the routes only turn these answers into a page, a redirect
 * or a 404. `base` is the shop's origin, for the absolute URLs crawlers are given.
 */
export type StorefrontPage =
  | { kind: 'page'; status: 200 | 400 | 410; template: string; data: Record<string, unknown> }
  | { kind: 'redirect'; location: string }
  | Missing

/** The home page: featured and newest products, the top categories, and the shop's introduction. */
export async function homePage(db: Db, base: string) {
  const [products, tree, shop] = await Promise.all([homeProducts(db), loadCategoryTree(db), getShopSettings(db)])
  return withFields(products, {
    categories: tree.roots,
    // The introduction is typed in the settings as text; a blank line starts a new paragraph.
    introParagraphs: shop.homeIntro.split(/\n\s*\n/).filter((p) => p.trim()),
    jsonLd: homeJsonLd(base, shop),
  })
}

/** /products (category null) or /categories/:slug: filters, sort and the page asked for. */
export async function listingPage(
  db: Db,
  categorySlug: string | null,
  query: ListingQuery,
  base: string,
): Promise<Exclude<StorefrontPage, { kind: 'redirect' }>> {
  const [shop, tree] = await Promise.all([getShopSettings(db), loadCategoryTree(db)])
  const category = categorySlug === null ? null : (tree.bySlug.get(categorySlug) ?? undefined)
  if (category === undefined) return missing
  const parsed = parseListingQuery(query)
  const { params } = parsed
  const path = category ? `/categories/${category.slug}` : '/products'
  const scope = category ?? (params.categorySlug ? tree.bySlug.get(params.categorySlug) : undefined)
  const errors: Record<string, string> = parsed.ok ? {} : { ...parsed.errors }
  if (params.categorySlug && !category && !scope) errors.category = 'Choose a category from the list'
  const branch = scope ? descendantIds(scope) : undefined
  const { filter, errors: filterErrors } = listingFilter(params, shop.currency, branch)
  Object.assign(errors, filterErrors)
  const facets = await listingFacets(db, branch)
  const onCategoryPage = category !== null
  const crumbs = category ? categoryPath(tree, category.id) : []
  const common = {
    title: category ? category.name : 'All products',
    categories: tree.roots,
    category,
    params,
    sorts: SORTS,
    optionGroups: filterGroups(facets, params.options, shop.locale),
    activeFilters: activeFilters(params, tree, path, onCategoryPage),
    breadcrumbs: category
      ? [
          { name: 'All products', href: '/products' },
          ...crumbs.map((c) => ({ name: c.name, href: c.id === category.id ? null : `/categories/${c.slug}` })),
        ]
      : [{ name: 'All products', href: null }],
    path,
  }
  const template = 'products/index'
  if (Object.keys(errors).length) {
    const data = withFields(common, {
      noindex: true,
      errors,
      products: [],
      total: 0,
      resultsHeading: resultsHeading(0, false, shop.locale),
      pagination: null,
    })
    return { kind: 'page', status: 400, template, data }
  }
  const result = await listProducts(db, filter, params.sort, params.page, PER_PAGE, MAX_PAGES)
  const totalPages = Math.max(1, Math.ceil(result.total / PER_PAGE))
  if (params.page > totalPages) return missing
  const pagination = paginate({
    page: params.page,
    perPage: PER_PAGE,
    total: result.total,
    href: (n) => path + listingQueryString(params, n, onCategoryPage),
  })
  const pageSuffix = params.page > 1 ? ` – page ${params.page}` : ''
  const data = withFields(common, {
    title: `${common.title}${pageSuffix}`,
    description: category
      ? (category.description || `${category.name} from ${shop.shopName}: browse the range and order online.`) +
        pageSuffix
      : `Everything ${shop.shopName} sells, newest first.${pageSuffix}`,
    canonicalPath: listingCanonical(path, params.page),
    noindex: !listingIndexable({ active: isFiltered(params, onCategoryPage) }),
    errors: {},
    ...result,
    resultsHeading: resultsHeading(result.total, result.capped, shop.locale),
    pagination,
    relLinks: { prev: pagination.prev, next: pagination.next },
    jsonLd: category
      ? [
          breadcrumbJsonLd(base, [
            { name: 'All products', path: '/products' },
            ...crumbs.map((c) => ({ name: c.name, path: `/categories/${c.slug}` })),
          ]),
        ]
      : [],
  })
  return { kind: 'page', status: 200, template, data }
}

/** /products/:slug with the option values chosen in the query (?Size=Large); `queryString` goes with a redirect. */
export async function productPage(
  db: Db,
  slug: string,
  options: Record<string, string>,
  queryString: string,
  base: string,
): Promise<StorefrontPage> {
  const found = await lookupProduct(db, slug)
  if (found.kind === 'missing') return missing
  if (found.kind === 'moved')
    return { kind: 'redirect', location: `/products/${encodeURIComponent(found.slug)}${queryString}` }
  const category = categoryPath(await loadCategoryTree(db), found.product.category_id)
  const product = found.product
  if (found.kind === 'archived') {
    const data = {
      title: `${product.title} is no longer available`,
      description: `${product.title} is no longer sold. See what else we have.`,
      noindex: true,
      product,
      category: category.at(-1) ?? null,
    }
    return { kind: 'page', status: 410, template: 'products/gone', data }
  }
  const [details, shop] = await Promise.all([productDetails(db, product), getShopSettings(db)])
  const choice = chooseVariant(details.variants, details.optionNames, options)
  const seo = productSeo(product)
  const data = {
    title: seo.title,
    description: seo.description,
    canonicalPath: `/products/${product.slug}`,
    noindex: !productIndexable(product),
    og: {
      type: 'product',
      imageUrl: details.images[0] ? largestImageUrl(base, details.images[0]) : null,
      imageAlt: details.images[0]?.alt,
    },
    product,
    ...details,
    variant: choice.variant,
    unavailable: choice.unavailable,
    optionChoices: optionChoices(details.optionNames, details.variants),
    variantsData: variantsData(details.variants, (minor) => formatMoney(minor, shop.currency, shop.locale)),
    deliveryNote: productDeliveryNote(shop),
    breadcrumbs: [
      ...category.map((c) => ({ name: c.name, href: `/categories/${c.slug}` })),
      { name: product.title, href: null },
    ],
    jsonLd: [
      productJsonLd(base, shop, product, details, category.at(-1)),
      breadcrumbJsonLd(base, [
        ...category.map((c) => ({ name: c.name, path: `/categories/${c.slug}` })),
        { name: product.title, path: `/products/${product.slug}` },
      ]),
    ],
  }
  return { kind: 'page', status: 200, template: 'products/show', data }
}

/** The product page showing one variant: the page a failed add-to-cart form goes back to. */
export async function productPageForVariant(db: Db, variantId: number, base: string): Promise<StorefrontPage> {
  const variant = await selectVariantOptions(db, variantId)
  if (!variant) return missing
  return productPage(db, variant.slug, parseJson<Record<string, string>>(variant.options, {}), '', base)
}

/** The variant form's choices: each option's values in the order the variants first use them. */
function optionChoices(optionNames: string[], variants: VariantView[]) {
  return optionNames.map((name) => ({
    name,
    values: [...new Set(variants.map((v) => v.options[name]).filter(Boolean))] as string[],
  }))
}

/** What the page's script needs to show another variant without a request: prices as the page writes them. */
function variantsData(variants: VariantView[], money: (minor: number) => string) {
  return variants.map((v) => ({
    id: v.id,
    sku: v.sku,
    options: v.options,
    price: money(v.price),
    // A compare-at price is shown only above the price itself.
    compareAt: v.compareAtPrice && v.compareAtPrice > v.price ? money(v.compareAtPrice) : null,
    stock: v.stockLabel,
    available: v.available,
  }))
}
