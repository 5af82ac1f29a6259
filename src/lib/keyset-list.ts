import { keysetLinks, keysetPage } from './pagination.js'
import type { FieldErrors, Validated } from './validation.js'

/**
 * One page of a back-office list, newest first by keyset, filtered by what
 * the query string asked (its `before` is the cursor). A filter the schema
 * rejected is answered 422 with its messages and no rows, not with every row
 * as if nothing had been asked; the links to older and newest rows keep the
 * filters that are set.
 */
export async function keysetList<F extends { before: string }, T extends { id: number }>(
  checked: Validated<F>,
  list: {
    /** The filter of a list nobody filtered, for the links of a rejected one. */
    none: F
    path: string
    /** Rows on a page: 50 unless said. */
    perPage?: number
    /** The filters the links keep (all but the cursor). */
    kept: (filter: F) => Record<string, string>
    /** Up to `limit` rows with ids below `beforeId` (all the newest without it). */
    fetch: (filter: F, rows: { beforeId?: number; limit: number }) => Promise<T[]>
  },
): Promise<{
  items: T[]
  filter: F
  /** What the page shows of the list itself: its status, the filter's messages and the links. */
  page: { httpStatus: 200 | 422; errors: FieldErrors; olderHref: string | null; newestHref: string | null }
}> {
  const filter = checked.ok ? checked.value : list.none
  const perPage = list.perPage ?? 50
  const rows = checked.ok
    ? await list.fetch(filter, {
        beforeId: filter.before ? Number(filter.before) : undefined,
        limit: perPage + 1,
      })
    : []
  const { items, olderThan } = keysetPage(rows, perPage)
  return {
    items,
    filter,
    page: {
      httpStatus: checked.ok ? 200 : 422,
      errors: checked.ok ? {} : checked.errors,
      ...keysetLinks(list.path, list.kept(filter), olderThan, filter.before),
    },
  }
}
