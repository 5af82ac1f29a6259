/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break.
 * Text that a spreadsheet would run as a formula (starting with = + - @, a tab
 * or a carriage return) gets a leading apostrophe, so it stays text (OWASP's
 * advice against CSV injection). Numbers are written as they are.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number') return String(value)
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

type Cell = string | number | null | undefined

/** One CSV line, ending in CRLF. */
export function csvRow(values: Cell[]): string {
  return `${values.map(csvCell).join(',')}\r\n`
}

/**
 * A whole export as a stream of lines: the header, then every row the pages
 * of `fetch` give (keyset pages of `batch` below a cursor, newest first), so
 * a million rows never sit in memory at once.
 */
export async function* csvLines<T extends { id: number }>(
  header: readonly string[],
  fetch: (before: number | null, batch: number) => Promise<T[]>,
  row: (item: T) => Cell[] | Cell[][],
  batch = 1000,
): AsyncGenerator<string> {
  // A byte-order mark, so spreadsheets read the file as UTF-8.
  yield `\uFEFF${csvRow([...header])}`
  let before: number | null = null
  for (;;) {
    const items = await fetch(before, batch)
    if (items.length === 0) return
    yield items
      .flatMap((item) => {
        const cells = row(item)
        if (cells.length === 0) return []
        // An item may be several lines (a product and its variants); a cell is never an array.
        return (Array.isArray(cells[0]) ? (cells as Cell[][]) : [cells as Cell[]]).map(csvRow)
      })
      .join('')
    if (items.length < batch) return
    before = items[items.length - 1]?.id ?? null
  }
}
