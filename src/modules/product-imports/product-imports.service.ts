import { randomUUID } from 'node:crypto'
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import { parse } from 'csv-parse/sync'
import { type Db, inTransaction } from '../../db/connection.js'
import { missing } from '../../lib/outcomes.js'
import { nowIso } from '../../lib/time.js'
import type { FieldErrors } from '../../lib/validation.js'
import { countRows, MAX_IMPORT_ROWS, tooManyRowsMessage } from './import-file.js'
import type { ImportReport } from './import-report.js'
import { APPLY_LOCK_MS, applyImport, CHECK_LOCK_MS, checkImport, type StepOutcome } from './import-steps.js'
import { CSV_PARSE_OPTIONS, PRODUCT_CSV_COLUMN_HELP, PRODUCT_CSV_COLUMNS } from './product-csv.js'
import { EXPIRED_NOTICE } from './product-imports.job.js'
import { finishClaim, insertImport, queueApplication, selectImport } from './product-imports.repository.js'
import { readHeader } from './product-rows.js'

/** The largest file taken, in bytes; its rows are limited apart (MAX_IMPORT_ROWS). */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024
/** A file up to this size is checked, and applied, within the request; a larger one by the import job. */
export const INLINE_BYTES = 256 * 1024
const CHECK_TEXT_BYTES = 1024 * 1024

export interface Upload {
  fileName: string
  mimeType: string
  content: Buffer
}

type Log = { error(obj: object, msg: string): void }

export type UploadResult =
  | { kind: 'queued'; id: number; inline: boolean }
  | { kind: 'invalid'; status: 422; errors: FieldErrors }

const SPREADSHEET_FILE = /\.(xlsx|xlsm|xls|ods|numbers)$/i
const CSV_TYPES = new Set(['text/csv', 'application/csv', 'text/plain', 'application/vnd.ms-excel', 'text/x-csv'])

/**
 * Takes an uploaded file: refuses what is not a CSV file of product rows
 * (by its name, type and text, its header, and its number of rows), stores
 * it, and checks it right away when it is small; a larger one waits for the
 * import job.
 */
export async function acceptProductCsv(
  db: Db,
  upload: Upload | null,
  actor: { id: number },
  log: Log,
  options: { maxRows?: number } = {},
): Promise<UploadResult> {
  const maxRows = options.maxRows ?? MAX_IMPORT_ROWS
  const invalid = (message: string): UploadResult => ({ kind: 'invalid', status: 422, errors: { file: message } })
  if (!upload || (upload.fileName === '' && upload.content.length === 0))
    return invalid('Choose the CSV file to import')
  if (SPREADSHEET_FILE.test(upload.fileName))
    return invalid('This is a spreadsheet file: in your spreadsheet, save it as “CSV UTF-8” and import that')
  if (!/\.(csv|txt)$/i.test(upload.fileName) && !CSV_TYPES.has(upload.mimeType))
    return invalid('Choose a CSV file (its name ends in .csv)')
  if (upload.content.length === 0) return invalid('The file is empty')
  if (!(await isText(upload.content)))
    return invalid('This file is not CSV text: save it from your spreadsheet as “CSV UTF-8”')

  const header = readHeader(firstRecord(upload.content))
  if (!header.ok) return invalid(header.errors.map((e) => e.message).join('; '))
  // Counted before the file is made into text, so one far over the limit costs no more than the limit.
  const rows = await countRows(upload.content, maxRows)
  if (rows <= 0) return invalid('The file has no rows under its first (header) row')
  if (rows > maxRows) return invalid(tooManyRowsMessage(maxRows))
  const text = upload.content.toString('utf8').replace(/^\uFEFF/, '')

  const now = nowIso()
  const inline = upload.content.length <= INLINE_BYTES
  const token = randomUUID()
  const id = await inTransaction(db, (trx) =>
    insertImport(
      trx,
      {
        file_name: fileNameOf(upload.fileName),
        file_size: upload.content.length,
        status: 'checking',
        rows_total: rows,
        // Held by this request while it checks a small file; a large one is free for the job.
        claimed_by: inline ? token : null,
        locked_until: inline ? new Date(Date.now() + CHECK_LOCK_MS).toISOString() : null,
        created_by: actor.id,
        created_at: now,
        updated_at: now,
      },
      text,
    ),
  )
  const check = (on: Db, importId: number, claim: string) => checkImport(on, importId, claim, undefined, maxRows)
  if (inline) await runNow(db, id, token, check, log)
  return { kind: 'queued', id, inline }
}

export type ApplicationResult =
  | { kind: 'applied' | 'changed' | 'queued' }
  | { kind: 'refused'; message: string }
  | { kind: 'missing' }

/** Staff press "Apply import": a small file is applied at once, a larger one queued for the import job. */
export async function applyProductImport(
  db: Db,
  id: number,
  actor: { id: number },
  log: Log,
): Promise<ApplicationResult> {
  const found = await selectImport(db, id)
  if (!found) return { kind: 'missing' }
  if (found.status === 'applied') return { kind: 'refused', message: 'This import has already been applied.' }
  if (found.status === 'applying') return { kind: 'refused', message: 'This import is being applied.' }
  if (found.status === 'expired') return { kind: 'refused', message: EXPIRED_NOTICE }
  if (found.status !== 'checked')
    return { kind: 'refused', message: 'This file cannot be applied: it has not been checked.' }
  if (found.error_count > 0 || !found.plan_hash)
    return { kind: 'refused', message: 'Correct the rows listed below in your file and upload it again.' }
  const inline = found.file_size <= INLINE_BYTES
  const token = randomUUID()
  const queued = await queueApplication(db, id, {
    appliedBy: actor.id,
    claimedBy: inline ? token : null,
    lockedUntil: inline ? new Date(Date.now() + APPLY_LOCK_MS).toISOString() : null,
    now: nowIso(),
  })
  if (!queued) return { kind: 'refused', message: 'This import has just been applied, or is being applied.' }
  if (!inline) return { kind: 'queued' }
  await runNow(db, id, token, applyImport, log)
  const after = await selectImport(db, id)
  return { kind: after?.status === 'applied' ? 'applied' : after?.notice ? 'changed' : 'queued' }
}

/** Checks or applies a small file in the request; if that fails, the job tries it again later. */
async function runNow(
  db: Db,
  id: number,
  token: string,
  step: (db: Db, id: number, token: string) => Promise<StepOutcome>,
  log: Log,
): Promise<void> {
  try {
    await step(db, id, token)
  } catch (err) {
    log.error({ err, importId: id }, 'a product import failed in the request; the import job tries it again')
    await finishClaim(db, id, token, {})
  }
}

/** The upload form: the columns a file may have, explained, the limits, and what was wrong with the last upload. */
export function productImportFormPage(errors: FieldErrors = {}) {
  return {
    title: 'Import products',
    columns: PRODUCT_CSV_COLUMNS.map((name) => ({ name, help: PRODUCT_CSV_COLUMN_HELP[name] })),
    maxMegabytes: MAX_UPLOAD_BYTES / 1024 / 1024,
    maxRows: MAX_IMPORT_ROWS.toLocaleString('en'),
    errors,
  }
}

/** The status page: the import, how far its check is, and its report. */
export async function productImportPage(db: Db, id: number) {
  const found = await selectImport(db, id)
  if (!found) return missing
  const report = found.report ? (JSON.parse(found.report) as ImportReport) : null
  const changes = report
    ? report.counts.productsCreated +
      report.counts.productsUpdated +
      report.counts.variantsCreated +
      report.counts.variantsUpdated
    : 0
  return {
    kind: 'page' as const,
    title: `Import of ${found.file_name}`,
    page: {
      ...found,
      report,
      changes,
      /** Shown while the check runs (and while the import is applied): the page reloads itself until then. */
      working: found.status === 'checking' || found.status === 'applying',
      percent: found.rows_total > 0 ? Math.min(100, Math.floor((found.rows_checked / found.rows_total) * 100)) : 0,
    },
  }
}

/**
 * Whether the file is UTF-8 text (no NUL characters). Checked a megabyte at
 * a time, letting waiting requests in between: a whole 50 MB file at once
 * holds the event loop for a good part of a second.
 */
async function isText(content: Buffer): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true })
  try {
    for (let at = 0; at < content.length; at += CHECK_TEXT_BYTES) {
      const part = content.subarray(at, at + CHECK_TEXT_BYTES)
      if (part.includes(0)) return false
      decoder.decode(part, { stream: true })
      await yieldToEventLoop()
    }
    decoder.decode()
  } catch {
    return false
  }
  return true
}

function firstRecord(content: Buffer): string[] {
  try {
    const [record] = parse(content.subarray(0, 65_536), { ...CSV_PARSE_OPTIONS, to_line: 1 }) as string[][]
    return record ?? []
  } catch {
    return []
  }
}

/** The name as shown to staff: no folders (old browsers send them), at most 200 characters. */
function fileNameOf(name: string): string {
  const base = name.split(/[\\/]/).pop()?.trim() || 'products.csv'
  return base.slice(0, 200)
}
