import { withFields } from './objects.js'

export interface PageLink {
  number: number
  href: string
  current: boolean
}

export interface Pagination {
  page: number
  totalPages: number
  prev: string | null
  next: string | null
  /** Page links with null where a run of pages is left out ("1 … 4 5 6 … 20"). */
  items: (PageLink | null)[]
}

/**
 * The page links for a listing. `href(n)` builds page n's URL (page 1 without
 * a page parameter, so it has one canonical address). A page past the end is
 * the caller's 404, not an empty page.
 */
export function paginate(options: {
  page: number
  perPage: number
  total: number
  href: (page: number) => string
  window?: number
}): Pagination {
  const { page, perPage, total, href } = options
  const around = options.window ?? 2
  const totalPages = Math.max(1, Math.ceil(total / perPage))
  const shown = new Set<number>([1, totalPages])
  for (let n = page - around; n <= page + around; n++) if (n >= 1 && n <= totalPages) shown.add(n)
  const numbers = [...shown].sort((a, b) => a - b)
  const items: (PageLink | null)[] = []
  numbers.forEach((n, i) => {
    const previous = numbers[i - 1]
    if (previous !== undefined && n - previous > 1) items.push(null)
    items.push({ number: n, href: href(n), current: n === page })
  })
  return {
    page,
    totalPages,
    prev: page > 1 ? href(page - 1) : null,
    next: page < totalPages ? href(page + 1) : null,
    items,
  }
}

/**
 * A newest-first page fetched by keyset (`perPage + 1` rows with ids below a
 * cursor): the rows to show, and the id to continue below when there are more.
 */
export function keysetPage<T extends { id: number }>(
  rows: T[],
  perPage: number,
): { items: T[]; olderThan: number | null } {
  const items = rows.slice(0, perPage)
  return { items, olderThan: rows.length > perPage ? (items.at(-1)?.id ?? null) : null }
}

/** `path` with the filters that are set, as a query string. */
export function withFilters(path: string, filters: Record<string, string>): string {
  const query = new URLSearchParams(Object.entries(filters).filter(([, value]) => value)).toString()
  return query ? `${path}?${query}` : path
}

/** The links of a keyset list, keeping its filters: to older rows, and back to the newest once paged. */
export function keysetLinks(
  path: string,
  filters: Record<string, string>,
  olderThan: number | null | undefined,
  before: string,
): { olderHref: string | null; newestHref: string | null } {
  const href = (cursor?: number) => withFilters(path, withFields(filters, { before: cursor ? String(cursor) : '' }))
  return { olderHref: olderThan ? href(olderThan) : null, newestHref: before ? href() : null }
}
