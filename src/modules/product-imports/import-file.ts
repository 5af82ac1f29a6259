import { Readable } from 'node:stream'
import { CsvError, parse } from 'csv-parse'
import { CSV_PARSE_OPTIONS } from './product-csv.js'
import { type ImportRow, ProductRowReader, type RowError, readHeader } from './product-rows.js'
import { timeSlices } from './time-slices.js'

/** Reading a stored import file: its rows counted, or read into rows chunk by chunk. */

/** Rows read between two progress writes. */
const CHUNK_ROWS = 500
/**
 * The most rows under the header one file may have. Checking keeps every row
 * and its plan in memory (about 1 KB a row, 2 KB with descriptions), so this
 * bounds what a check costs the server. A shop of 100,000 products,
 * one variant each, fits in one file; a larger catalogue is imported in parts.
 */
export const MAX_IMPORT_ROWS = 100_000

/** What staff are told of a file over the limit, at upload or (for one stored before) in the check's report. */
export function tooManyRowsMessage(maxRows: number): string {
  const n = maxRows.toLocaleString('en')
  return `This file has more than ${n} rows: split it into files of at most ${n} rows each; nothing was imported`
}

/**
 * The file's records, parsed as they are needed: the text goes to the parser
 * 64 K characters (or bytes) at a time, so no second copy of a whole file is
 * made. A piece of text never ends between the two halves of a character
 * outside the Basic Multilingual Plane, which would then be encoded apart.
 */
async function* readRecords(csv: string | Buffer): AsyncGenerator<string[]> {
  const slices = function* () {
    for (let at = 0; at < csv.length; ) {
      let end = Math.min(at + 65_536, csv.length)
      if (typeof csv === 'string') {
        if (end < csv.length && isHighSurrogate(csv.charCodeAt(end - 1))) end--
        yield csv.slice(at, end)
      } else yield csv.subarray(at, end)
      at = end
    }
  }
  yield* Readable.from(slices(), { objectMode: false }).pipe(parse(CSV_PARSE_OPTIONS))
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff

/** What the parser could not read, as a row error. */
function fileError(err: CsvError): RowError {
  const line = Number(err.records ?? 0) + 1
  const message =
    err.code === 'CSV_QUOTE_NOT_CLOSED'
      ? `A quoted cell that starts on row ${line} is never closed: check the quotes (")`
      : err.code === 'CSV_MAX_RECORD_SIZE'
        ? `Row ${line} is longer than a product row can be`
        : `Row ${line} could not be read as CSV: check its quotes (")`
  return { line, column: null, message }
}

/**
 * How many rows the file has under its header, as the parser reads them (a
 * blank row counts, as in a spreadsheet), counting no further than one past
 * `max`. A row the parser cannot read counts: the check reports it.
 */
export async function countRows(csv: string | Buffer, max: number): Promise<number> {
  let records = 0
  const turn = timeSlices()
  try {
    for await (const _record of readRecords(csv)) {
      // Leaving the loop ends the parse: the rest of a file over the limit is never read.
      if (++records - 1 > max) break
      await turn()
    }
  } catch (err) {
    if (!(err instanceof CsvError)) throw err
    records++
  }
  return Math.max(0, records - 1)
}

export type ReadResult =
  | { kind: 'read'; reader: ProductRowReader | null; errors: RowError[]; records: number }
  | { kind: 'stopped' }

/**
 * Reads the whole file into rows, chunk by chunk; `onChunk` (given the rows
 * read so far and the new valid rows) returns false to stop. The upload
 * refuses a file of more than `maxRows` rows; one stored before the limit
 * (or before it was lowered) is refused here at its first row too many,
 * keeping none of its rows, so it cannot cost more than the limit allows.
 */
export async function readFile(
  csv: string,
  currency: string,
  maxRows: number,
  onChunk: (records: number, rows: ImportRow[]) => Promise<boolean>,
): Promise<ReadResult> {
  let reader: ProductRowReader | null = null
  const errors: RowError[] = []
  let line = 0
  let reported = 0
  const turn = timeSlices()
  const chunk = async () => {
    const rows = reader ? reader.rows.slice(reported) : []
    reported += rows.length
    return onChunk(Math.max(0, line - 1), rows)
  }
  try {
    for await (const record of readRecords(csv)) {
      line++
      if (line === 1) {
        const header = readHeader(record)
        if (!header.ok) {
          errors.push(...header.errors)
          break
        }
        reader = new ProductRowReader(header.columns, currency)
        continue
      }
      if (line - 1 > maxRows) {
        const tooMany = { line, column: null, message: tooManyRowsMessage(maxRows) }
        return { kind: 'read', reader: null, errors: [tooMany], records: line - 1 }
      }
      ;(reader as ProductRowReader).read(record, line)
      if ((line - 1) % CHUNK_ROWS === 0) {
        if (!(await chunk())) return { kind: 'stopped' }
      } else await turn()
    }
  } catch (err) {
    if (!(err instanceof CsvError)) throw err
    errors.push(fileError(err))
  }
  if (!(await chunk())) return { kind: 'stopped' }
  return { kind: 'read', reader, errors, records: Math.max(0, line - 1) }
}
