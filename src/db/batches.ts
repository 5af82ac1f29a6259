/** Rows per INSERT: a statement costs several times what a row does, and 100 rows stay far below SQLite's parameter limit. */
export const ROWS_PER_INSERT = 100

/** The items in consecutive slices of at most `size`, one statement each. */
export function* batches<T>(items: readonly T[], size = ROWS_PER_INSERT): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size)
}
