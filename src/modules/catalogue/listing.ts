import { parseMoney } from '../../lib/money.js'
import { withFields } from '../../lib/objects.js'
import type { FieldErrors } from '../../lib/validation.js'
import type { ListingQuery } from './catalogue.forms.js'
import type { ListingFilter, ListingSort } from './catalogue.repository.js'
import type { CategoryTree, FacetGroup } from './catalogue.service.js'

export const PER_PAGE = 24
/** Listings show at most this many pages; filters narrow further. Bounds every count and offset. */
export const MAX_PAGES = 100

export const SORTS: { value: ListingSort; label: string }[] = [
  { value: 'newest', label: 'Newest' },
  { value: 'price_asc', label: 'Price: low to high' },
  { value: 'price_desc', label: 'Price: high to low' },
  { value: 'name', label: 'Name' },
]

export interface ListingParams {
  categorySlug?: string
  min: string
  max: string
  inStock: boolean
  /** "Name:Value" pairs as the filter form sends them. */
  options: string[]
  sort: ListingSort
  page: number
}

export type ParsedListing =
  | { ok: true; params: ListingParams }
  | { ok: false; params: ListingParams; errors: FieldErrors }

/** Reads a listing's query string, its shape checked at the edge: a bad value is a message, not a guess. */
export function parseListingQuery(raw: ListingQuery): ParsedListing {
  const errors: FieldErrors = {}
  const sort = SORTS.find((s) => s.value === raw.sort)?.value ?? 'newest'
  if (raw.sort && sort !== raw.sort) errors.sort = 'Choose a sort order from the list'
  let page = 1
  if (raw.page) {
    if (/^\d{1,6}$/.test(raw.page) && Number(raw.page) >= 1) page = Number(raw.page)
    else errors.page = 'The page number must be a whole number from 1'
  }
  const params: ListingParams = withFields(raw.category ? { categorySlug: raw.category } : {}, {
    min: raw.min,
    max: raw.max,
    inStock: raw.in_stock === '1' || raw.in_stock === 'on',
    options: raw.option.filter((o) => /^[^:]{1,50}:.{1,100}$/.test(o)).slice(0, 20),
    sort,
    page,
  })
  if (raw.option.length !== params.options.length) errors.option = 'Choose options from the list'
  return Object.keys(errors).length ? { ok: false, params, errors } : { ok: true, params }
}

/** The filter for the repository, or messages for the prices a person typed. */
export function listingFilter(
  params: ListingParams,
  currency: string,
  categoryIds: number[] | undefined,
): { filter: ListingFilter; errors: FieldErrors } {
  const errors: FieldErrors = {}
  const filter: ListingFilter = {}
  if (categoryIds) filter.categoryIds = categoryIds
  for (const key of ['min', 'max'] as const) {
    if (!params[key]) continue
    const amount = parseMoney(params[key], currency)
    if (amount === null)
      errors[key] = `Enter the ${key === 'min' ? 'lowest' : 'highest'} price as an amount, like 25 or 12.50`
    else if (key === 'min') filter.minPrice = amount
    else filter.maxPrice = amount
  }
  if (filter.minPrice !== undefined && filter.maxPrice !== undefined && filter.minPrice > filter.maxPrice) {
    errors.max = 'The highest price must be at least the lowest price'
  }
  if (params.inStock) filter.inStock = true
  if (params.options.length) {
    const options: Record<string, string[]> = {}
    for (const pair of params.options) {
      const at = pair.indexOf(':')
      const name = pair.slice(0, at)
      options[name] = [...(options[name] ?? []), pair.slice(at + 1)]
    }
    filter.options = options
  }
  return { filter, errors }
}

/** Whether anything narrows the listing (sort and page do not). */
export function isFiltered(params: ListingParams, onCategoryPage: boolean): boolean {
  return Boolean(
    (!onCategoryPage && params.categorySlug) || params.min || params.max || params.inStock || params.options.length,
  )
}

/** The query string for a listing URL: filters and sort kept, page 1 and defaults dropped. */
export function listingQueryString(params: ListingParams, page: number, onCategoryPage: boolean): string {
  const q = new URLSearchParams()
  if (params.categorySlug && !onCategoryPage) q.set('category', params.categorySlug)
  if (params.min) q.set('min', params.min)
  if (params.max) q.set('max', params.max)
  if (params.inStock) q.set('in_stock', '1')
  for (const option of params.options) q.append('option', option)
  if (params.sort !== 'newest') q.set('sort', params.sort)
  if (page > 1) q.set('page', String(page))
  const text = q.toString()
  return text ? `?${text}` : ''
}

/** The canonical URL of a listing drops sort, paging-one and every other parameter but the page. */
export function listingCanonical(path: string, page: number): string {
  return page > 1 ? `${path}?page=${page}` : path
}

/**
 * The filter form's option groups: the branch's values, and any value chosen
 * in the URL that the branch does not offer (with no products), so it can be
 * seen and unticked. Each value as its checkbox shows it: the `Name:Value`
 * the form sends, an id for its label, whether it is ticked, and how many
 * products offer it ("12+" where the count stopped).
 */
export function filterGroups(facets: FacetGroup[], chosen: string[], locale: string) {
  return withChosenValues(facets, chosen).map((group) => {
    const idBase = `filter-${group.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`
    return {
      name: group.name,
      values: group.values.map((facet, i) => {
        const key = `${group.name}:${facet.value}`
        const count = `${facet.products.toLocaleString(locale)}${facet.more ? '+' : ''}`
        return { value: facet.value, key, id: `${idBase}-${i}`, checked: chosen.includes(key), count }
      }),
    }
  })
}

function withChosenValues(facets: FacetGroup[], chosen: string[]): FacetGroup[] {
  const groups = facets.map((g) => ({ name: g.name, values: [...g.values] }))
  for (const pair of chosen) {
    const at = pair.indexOf(':')
    const name = pair.slice(0, at)
    const value = pair.slice(at + 1)
    let group = groups.find((g) => g.name === name)
    if (!group) {
      group = { name, values: [] }
      groups.push(group)
    }
    if (!group.values.some((v) => v.value === value)) group.values.push({ value, products: 0, more: false })
  }
  return groups
}

/** Each filter in force, with the listing's address without it: the "remove" links above the results. */
export function activeFilters(params: ListingParams, tree: CategoryTree, path: string, onCategoryPage: boolean) {
  const without = (change: (copy: ListingParams) => void) => {
    const copy = withFields(params, {})
    change(copy)
    return path + listingQueryString(copy, 1, onCategoryPage)
  }
  const filters: { label: string; href: string }[] = []
  if (params.categorySlug && !onCategoryPage) {
    const name = tree.bySlug.get(params.categorySlug)?.name ?? params.categorySlug
    filters.push({ label: `Category: ${name}`, href: without((p) => delete p.categorySlug) })
  }
  if (params.min) filters.push({ label: `Price from ${params.min}`, href: without((p) => (p.min = '')) })
  if (params.max) filters.push({ label: `Price up to ${params.max}`, href: without((p) => (p.max = '')) })
  if (params.inStock) filters.push({ label: 'In stock only', href: without((p) => (p.inStock = false)) })
  for (const pair of params.options) {
    const at = pair.indexOf(':')
    filters.push({
      label: `${pair.slice(0, at)}: ${pair.slice(at + 1)}`,
      href: without((p) => (p.options = params.options.filter((o) => o !== pair))),
    })
  }
  return filters
}

/** The heading above the results: how many products match. */
export function resultsHeading(total: number, capped: boolean, locale: string): string {
  return total === 0 ? 'No products match' : productCount(total, capped, locale)
}

/** "1 product", "24 products", "1,000+ products" where the count stopped. */
export function productCount(total: number, capped: boolean, locale: string): string {
  return `${total.toLocaleString(locale)}${capped ? '+' : ''} product${total === 1 ? '' : 's'}`
}
