import { randomUUID } from 'node:crypto'
import { Readable } from 'node:stream'
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import { CsvError, parse } from 'csv-parse'
import { batches } from '../../db/batches.js'
import { type Db, inTransaction } from '../../db/connection.js'
import { type Poller, startPoller } from '../../lib/poller.js'
import { nowIso } from '../../lib/time.js'
import { logActivity } from '../activity/activity.service.js'
import { updateProductRow } from '../catalogue/catalogue.repository.js'
import { renderDescription } from '../catalogue/markdown.js'
import { replaceVariantOptionValues, updateVariantRow } from '../products/products.repository.js'
import { getShopSettings } from '../settings/settings.service.js'
import { recordStockMovement } from '../stock/stock.service.js'
import { CSV_PARSE_OPTIONS } from './product-csv.js'
import {
  type CatalogueState,
  type ExistingProduct,
  type ExistingVariant,
  type ImportPlan,
  type ImportRow,
  importReport,
  importSummary,
  type ProductChange,
  ProductRowReader,
  planHashSteps,
  planSteps,
  type RowError,
  readHeader,
  type VariantChange,
} from './product-import.js'
import {
  claimNextImport,
  deleteImportFile,
  expireImports,
  finishClaim,
  holdClaim,
  insertProducts,
  insertVariants,
  saveProgress,
  selectCategorySlugs,
  selectImportFile,
  selectProductsBySlug,
  selectRedirectedSlugs,
  selectVariantsBySku,
  selectVariantsOfProducts,
} from './product-imports.repository.js'

/** Rows read between two progress writes. */
const CHUNK_ROWS = 500
/**
 * How long reading or planning a file may hold the event loop before it lets
 * waiting requests in: a count of rows would not do, as rows differ a
 * hundredfold in size, and the storefront shares this process.
 */
const SLICE_MS = 10
/**
 * The most rows under the header one file may have. Checking keeps every row
 * and its plan in memory (about 1 KB a row, 2 KB with descriptions), so this
 * bounds what a check costs the server. A shop of 100,000 products,
 * one variant each, fits in one file; a larger catalogue is imported in parts.
 */
export const MAX_IMPORT_ROWS = 100_000
/** Values per IN list. */
const LOOKUP_BATCH = 500
/** How long a claim holds while checking; each chunk extends it. */
export const CHECK_LOCK_MS = 60_000
/** Applying is one transaction that cannot extend its claim as it goes. */
export const APPLY_LOCK_MS = 10 * 60_000
const RETRY_MS = 30_000
const MAX_ATTEMPTS = 3

/** What staff are told of a file over the limit, at upload or (for one stored before) in the check's report. */
export function tooManyRowsMessage(maxRows: number): string {
  const n = maxRows.toLocaleString('en')
  return `This file has more than ${n} rows: split it into files of at most ${n} rows each; nothing was imported`
}

/** A function to await often: it lets the event loop turn once SLICE_MS have passed since it last did. */
function timeSlices(): () => Promise<void> {
  let since = performance.now()
  return async () => {
    if (performance.now() - since < SLICE_MS) return
    await yieldToEventLoop()
    since = performance.now()
  }
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

type ReadResult =
  | { kind: 'read'; reader: ProductRowReader | null; errors: RowError[]; records: number }
  | { kind: 'stopped' }

/**
 * Reads the whole file into rows, chunk by chunk; `onChunk` (given the rows
 * read so far and the new valid rows) returns false to stop. The upload
 * refuses a file of more than `maxRows` rows; one stored before the limit
 * (or before it was lowered) is refused here at its first row too many,
 * keeping none of its rows, so it cannot cost more than the limit allows.
 */
async function readFile(
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

interface LoadedState extends CatalogueState {
  categoryIds: Map<string, number>
  categorySlugs: Map<number, string>
  variants: Map<string, ExistingVariant>
  products: Map<string, ExistingProduct>
  productVariants: Map<number, ExistingVariant[]>
  redirects: Map<string, string>
  looked: { skus: Set<string>; handles: Set<string> }
}

function emptyState(currency: string): LoadedState {
  return {
    currency,
    categoryIds: new Map(),
    categorySlugs: new Map(),
    variants: new Map(),
    products: new Map(),
    productVariants: new Map(),
    redirects: new Map(),
    looked: { skus: new Set(), handles: new Set() },
  }
}

/** Looks up what the shop holds for these rows' SKUs and handles (each once). */
async function loadRows(db: Db, rows: readonly ImportRow[], state: LoadedState): Promise<void> {
  const skus = [...new Set(rows.map((r) => r.sku))].filter((sku) => !state.looked.skus.has(sku))
  const handles = [...new Set(rows.map((r) => r.handle))].filter((handle) => !state.looked.handles.has(handle))
  for (const sku of skus) state.looked.skus.add(sku)
  for (const handle of handles) state.looked.handles.add(handle)
  for (const batch of batches(skus, LOOKUP_BATCH)) {
    for (const variant of await selectVariantsBySku(db, batch)) state.variants.set(variant.sku, variant)
  }
  for (const batch of batches(handles, LOOKUP_BATCH)) {
    for (const product of await selectProductsBySlug(db, batch)) state.products.set(product.slug, product)
    for (const redirect of await selectRedirectedSlugs(db, batch))
      state.redirects.set(redirect.slug, redirect.product_slug)
  }
}

/** The rest the plan needs: the categories, and every variant of the products the file names. */
async function completeState(db: Db, state: LoadedState): Promise<void> {
  // SQLite answers synchronously: without turns, a file naming 100,000 known products holds the event loop throughout.
  const turn = timeSlices()
  for (const category of await selectCategorySlugs(db)) {
    state.categoryIds.set(category.slug, category.id)
    state.categorySlugs.set(category.id, category.slug)
  }
  const ids = [...state.products.values()].map((p) => p.id)
  for (const batch of batches(ids, LOOKUP_BATCH)) {
    for (const variant of await selectVariantsOfProducts(db, batch)) {
      const list = state.productVariants.get(variant.product_id)
      if (list) list.push(variant)
      else state.productVariants.set(variant.product_id, [variant])
    }
    await turn()
  }
}

/** Runs a step-by-step computation to its end, letting the event loop turn between steps every SLICE_MS. */
async function inTurns<T>(steps: Generator<void, T>): Promise<T> {
  const turn = timeSlices()
  for (;;) {
    const step = steps.next()
    if (step.done) return step.value
    await turn()
  }
}

/** The plan for the whole file, with the mistakes the parser found. */
async function fullPlan(read: Extract<ReadResult, { kind: 'read' }>, state: LoadedState): Promise<ImportPlan> {
  const plan: ImportPlan = read.reader
    ? await inTurns(planSteps(read.reader, state))
    : {
        rows: 0,
        errors: [],
        productsCreated: [],
        productsUpdated: [],
        variantsCreated: [],
        variantsUpdated: [],
        rowsUnchanged: 0,
      }
  if (read.errors.length) plan.errors = [...read.errors, ...plan.errors].sort((a, b) => a.line - b.line)
  return plan
}

/** The plan's fingerprint, or null for a plan with mistakes (it can never be applied). */
async function hashOf(plan: ImportPlan, currency: string): Promise<string | null> {
  return plan.errors.length ? null : inTurns(planHashSteps(plan, currency))
}

const later = (ms: number) => new Date(Date.now() + ms).toISOString()

export type StepOutcome = 'done' | 'lost' | 'stopped'

/** The stored file while this claim still holds it at this step; null once another process has it. */
async function claimedFile(db: Db, id: number, token: string, status: 'checking' | 'applying') {
  const file = await selectImportFile(db, id)
  return file && file.claimed_by === token && file.status === status ? file : null
}

/** Between two chunks: false when asked to stop, else true once the event loop has turned. */
async function nextChunk(shouldStop: () => boolean): Promise<boolean> {
  if (shouldStop()) return false
  await yieldToEventLoop()
  return true
}

/**
 * The dry run: reads the stored file in chunks, writing how many rows are
 * checked after each, and saves the report. Only reads the catalogue, so an
 * import taken over after a crash simply starts its check again.
 */
export async function checkImport(
  db: Db,
  id: number,
  token: string,
  shouldStop: () => boolean = () => false,
  maxRows = MAX_IMPORT_ROWS,
): Promise<StepOutcome> {
  const file = await claimedFile(db, id, token, 'checking')
  if (!file) return 'lost'
  const { currency } = await getShopSettings(db)
  const state = emptyState(currency)
  let lost = false
  const read = await readFile(file.csv, currency, maxRows, async (records, rows) => {
    await loadRows(db, rows, state)
    if (
      !(await saveProgress(
        db,
        id,
        { token, lockedUntil: later(CHECK_LOCK_MS) },
        { rowsChecked: records, now: nowIso() },
      ))
    ) {
      lost = true
      return false
    }
    return nextChunk(shouldStop)
  })
  if (read.kind === 'stopped') {
    if (!lost) await finishClaim(db, id, token, {})
    return lost ? 'lost' : 'stopped'
  }
  await completeState(db, state)
  const plan = await fullPlan(read, state)
  const hash = await hashOf(plan, currency)
  const now = nowIso()
  const saved = await finishClaim(db, id, token, {
    status: 'checked',
    report: JSON.stringify(importReport(plan, currency)),
    plan_hash: hash,
    error_count: plan.errors.length,
    rows_checked: read.records,
    rows_total: read.records,
    checked_at: now,
    updated_at: now,
  })
  return saved ? 'done' : 'lost'
}

export const CHANGED_NOTICE =
  'The shop’s products changed after this file was checked, so nothing was imported. This is the check again on the products as they are now: look it over and apply it again.'

/**
 * Applies a checked import in one transaction: the plan is made again from
 * the stored file inside it, and if it is not the plan staff saw (the
 * products changed underneath), nothing is written and the new report
 * replaces the old. Stock changes go to the ledger; one activity entry sums
 * it up. The import is marked applied in the same transaction.
 */
export async function applyImport(
  db: Db,
  id: number,
  token: string,
  shouldStop: () => boolean = () => false,
  maxRows = MAX_IMPORT_ROWS,
): Promise<StepOutcome> {
  const file = await claimedFile(db, id, token, 'applying')
  if (!file) return 'lost'
  if (file.applied_by === null) {
    const released = await finishClaim(db, id, token, {
      status: 'checked',
      notice: 'The person who applied this import no longer works here; apply it again.',
    })
    return released ? 'done' : 'lost'
  }
  const actorUserId = file.applied_by
  const { currency } = await getShopSettings(db)
  // Markdown is rendered while the file is read, so the transaction only writes.
  const descriptions: Rendered = new Map()
  const read = await readFile(file.csv, currency, maxRows, async (_records, rows) => {
    for (const row of rows) if (row.product.description_md) rendered(descriptions, row.product.description_md)
    return nextChunk(shouldStop)
  })
  if (read.kind === 'stopped') {
    await finishClaim(db, id, token, {})
    return 'stopped'
  }
  const outcome = await inTransaction(db, async (trx) => {
    if (!(await holdClaim(trx, id, token, later(APPLY_LOCK_MS)))) return { kind: 'lost' } as const
    const state = emptyState(currency)
    await loadRows(trx, read.reader?.rows ?? [], state)
    await completeState(trx, state)
    const plan = await fullPlan(read, state)
    const hash = await hashOf(plan, currency)
    if (hash === null || hash !== file.plan_hash) return { kind: 'changed', plan, hash } as const
    await writePlan(trx, plan, { actorUserId, note: `Import of ${file.file_name}`, descriptions })
    const report = importReport(plan, currency)
    await logActivity(trx, {
      actorUserId,
      action: 'product.imported',
      subject: { type: 'product', id: null },
      summary: `Imported ${file.file_name}: ${importSummary(report.counts)}`,
    })
    const now = nowIso()
    await deleteImportFile(trx, id)
    const marked = await finishClaim(trx, id, token, {
      status: 'applied',
      report: JSON.stringify(report),
      notice: null,
      applied_at: now,
      updated_at: now,
    })
    // Taken over meanwhile: everything above is rolled back.
    if (!marked) throw new Error(`Product import ${id} was taken over while it was being applied`)
    return { kind: 'applied' } as const
  })
  if (outcome.kind === 'lost') return 'lost'
  if (outcome.kind === 'changed') {
    const now = nowIso()
    const saved = await finishClaim(db, id, token, {
      status: 'checked',
      report: JSON.stringify(importReport(outcome.plan, currency)),
      plan_hash: outcome.hash,
      error_count: outcome.plan.errors.length,
      notice: CHANGED_NOTICE,
      checked_at: now,
      updated_at: now,
    })
    return saved ? 'done' : 'lost'
  }
  return 'done'
}

type Rendered = Map<string, { html: string; text: string }>

/** A description as HTML and text, rendered ahead when it could be (outside the transaction). */
function rendered(descriptions: Rendered, markdown: string) {
  let done = descriptions.get(markdown)
  if (!done) {
    done = renderDescription(markdown)
    descriptions.set(markdown, done)
  }
  return done
}

/** Every write of the plan, in the caller's transaction: new rows many to a statement, changes one by one. */
async function writePlan(
  trx: Db,
  plan: ImportPlan,
  context: { actorUserId: number; note: string; descriptions: Rendered },
): Promise<void> {
  const now = nowIso()
  const newProducts = await insertProducts(
    trx,
    plan.productsCreated.map(({ handle, values: v }) => {
      const description = rendered(context.descriptions, v.descriptionMd)
      return {
        slug: handle,
        title: v.title,
        status: v.status,
        category_id: v.categoryId,
        tax_class: v.taxClass,
        description_md: v.descriptionMd,
        description_html: description.html,
        description_text: description.text,
        seo_title: v.seoTitle,
        seo_description: v.seoDescription,
        attributes: v.attributes,
        option_names: JSON.stringify(v.optionNames),
        published_at: v.status === 'active' ? now : null,
        created_at: now,
        updated_at: now,
      }
    }),
  )
  for (const change of plan.productsUpdated) {
    await updateProductRow(trx, change.productId, productColumns(change, now, context.descriptions))
  }
  const movement = (variantId: number, change: number) =>
    recordStockMovement(trx, {
      variantId,
      change,
      reason: 'import',
      note: context.note,
      actorUserId: context.actorUserId,
    })
  const newVariants = await insertVariants(
    trx,
    plan.variantsCreated.map(({ values: v, ...variant }) => ({
      product_id: variant.productId ?? (newProducts.get(variant.handle) as number),
      sku: variant.sku,
      options: JSON.stringify(v.options),
      optionValues: v.options,
      price: v.price,
      compare_at_price: v.compareAtPrice,
      stock: v.stock,
      track_stock: v.trackStock ? 1 : 0,
      allow_backorder: v.allowBackorder ? 1 : 0,
      position: variant.position,
      created_at: now,
      updated_at: now,
    })),
  )
  for (const variant of plan.variantsCreated) {
    if (variant.values.stock !== 0) await movement(newVariants.get(variant.sku) as number, variant.values.stock)
  }
  for (const change of plan.variantsUpdated) {
    await updateVariantRow(trx, change.variantId, variantColumns(change, now))
    if (change.set.options) {
      await replaceVariantOptionValues(trx, { id: change.variantId, productId: change.productId }, change.set.options)
    }
    if (change.set.stock !== undefined) await movement(change.variantId, change.set.stock - (change.before.stock ?? 0))
  }
}

function productColumns(change: ProductChange, now: string, descriptions: Rendered) {
  const s = change.set
  const description = s.descriptionMd === undefined ? undefined : rendered(descriptions, s.descriptionMd)
  return {
    ...(s.title !== undefined ? { title: s.title } : {}),
    ...(s.status !== undefined ? { status: s.status } : {}),
    ...(change.publish ? { published_at: now } : {}),
    ...(s.categoryId !== undefined ? { category_id: s.categoryId } : {}),
    ...(s.taxClass !== undefined ? { tax_class: s.taxClass } : {}),
    ...(description
      ? { description_md: s.descriptionMd, description_html: description.html, description_text: description.text }
      : {}),
    ...(s.seoTitle !== undefined ? { seo_title: s.seoTitle } : {}),
    ...(s.seoDescription !== undefined ? { seo_description: s.seoDescription } : {}),
    ...(s.attributes !== undefined ? { attributes: s.attributes } : {}),
    ...(s.optionNames !== undefined ? { option_names: JSON.stringify(s.optionNames) } : {}),
    updated_at: now,
  }
}

function variantColumns(change: VariantChange, now: string) {
  const s = change.set
  return {
    ...(s.options !== undefined ? { options: JSON.stringify(s.options) } : {}),
    ...(s.price !== undefined ? { price: s.price } : {}),
    ...(s.compareAtPrice !== undefined ? { compare_at_price: s.compareAtPrice } : {}),
    ...(s.stock !== undefined ? { stock: s.stock } : {}),
    ...(s.trackStock !== undefined ? { track_stock: s.trackStock ? 1 : 0 } : {}),
    ...(s.allowBackorder !== undefined ? { allow_backorder: s.allowBackorder ? 1 : 0 } : {}),
    updated_at: now,
  }
}

type JobLog = { error(obj: object, msg: string): void }

/**
 * Checks and applies what is waiting, one import at a time, until nothing is
 * left or `shouldStop` says so. Each import is claimed by a guarded update,
 * so several processes can run this at once; one whose process died is
 * taken over once its claim runs out. A failure is tried again after a
 * while, and after MAX_ATTEMPTS the import is marked failed for staff to see.
 */
export async function runProductImportJobs(
  db: Db,
  options: { log: JobLog; shouldStop?: () => boolean; maxRows?: number },
): Promise<number> {
  const shouldStop = options.shouldStop ?? (() => false)
  let done = 0
  while (!shouldStop()) {
    const token = randomUUID()
    const claimed = await claimNextImport(db, { token, now: nowIso(), lockedUntil: later(CHECK_LOCK_MS) })
    if (!claimed) break
    const step = claimed.status === 'checking' ? 'checked' : 'applied'
    if (claimed.attempts > MAX_ATTEMPTS) {
      await finishClaim(db, claimed.id, token, {
        status: 'failed',
        notice: `This file could not be ${step} after ${MAX_ATTEMPTS} tries, and nothing was imported. Upload it again; if that fails too, split it into smaller files.`,
        updated_at: nowIso(),
      })
      continue
    }
    try {
      const outcome = await (claimed.status === 'checking' ? checkImport : applyImport)(
        db,
        claimed.id,
        token,
        shouldStop,
        options.maxRows,
      )
      if (outcome === 'done') done++
    } catch (err) {
      options.log.error({ err, importId: claimed.id }, `a product import could not be ${step}; it is tried again later`)
      await finishClaim(db, claimed.id, token, { locked_until: later(RETRY_MS) }).catch(() => undefined)
    }
  }
  return done
}

/** How long a checked file may wait to be applied; after that it is removed and the import expires. */
export const IMPORT_KEPT_DAYS = 7
export const EXPIRED_NOTICE = `This file was checked more than ${IMPORT_KEPT_DAYS} days ago and never applied, so it was removed. Upload it again to import it.`
/** How often the import jobs look for imports to expire. */
const EXPIRE_EVERY_MS = 60 * 60 * 1000

/**
 * Imports checked (or given up on) and left unapplied for IMPORT_KEPT_DAYS
 * lose their stored file, which may be megabytes, and become expired; their
 * report stays to be read. Returns how many expired.
 */
export async function expireStaleImports(db: Db, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - IMPORT_KEPT_DAYS * 86_400_000).toISOString()
  // One transaction: an expired import never keeps its file, however the process stops.
  return inTransaction(db, (trx) => expireImports(trx, before, now.toISOString(), EXPIRED_NOTICE))
}

/** Stops between two chunks; an import left half-checked is taken up again by the next process. */
export type RunningImports = Poller

/**
 * Runs the import jobs every `everyMs` and whenever woken (after an upload or
 * an application was queued), one run at a time; once an hour it also
 * expires the imports left unapplied.
 */
export function startProductImportJobs(options: { db: Db; log: JobLog; everyMs?: number }): RunningImports {
  let expiredAt = 0
  return startPoller({
    everyMs: options.everyMs ?? 2_000,
    run: async (isStopped) => {
      await runProductImportJobs(options.db, { log: options.log, shouldStop: isStopped })
      if (Date.now() - expiredAt >= EXPIRE_EVERY_MS) {
        await expireStaleImports(options.db)
        expiredAt = Date.now()
      }
      return false
    },
    onError: (err) => options.log.error({ err }, 'the product import jobs could not run; they run again soon'),
  })
}
