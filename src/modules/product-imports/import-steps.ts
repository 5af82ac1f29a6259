import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import { type Db, inTransaction } from '../../db/connection.js'
import { nowIso } from '../../lib/time.js'
import { logActivity } from '../activity/activity.service.js'
import { getShopSettings } from '../settings/settings.service.js'
import { completeState, emptyState, type LoadedState, loadRows } from './catalogue-state.js'
import { MAX_IMPORT_ROWS, type ReadResult, readFile } from './import-file.js'
import { planSteps } from './import-plan.js'
import { importReport, importSummary, planHashSteps } from './import-report.js'
import type { ImportPlan } from './plan-changes.js'
import { type Rendered, rendered, writePlan } from './plan-writes.js'
import {
  deleteImportFile,
  finishClaim,
  holdClaim,
  saveProgress,
  selectImportFile,
} from './product-imports.repository.js'
import { inTurns } from './time-slices.js'

/** The two steps of an import, each run by the job or, for a small file, in the request: checking and applying. */

/** How long a claim holds while checking; each chunk extends it. */
export const CHECK_LOCK_MS = 60_000
/** Applying is one transaction that cannot extend its claim as it goes. */
export const APPLY_LOCK_MS = 10 * 60_000

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

export const later = (ms: number) => new Date(Date.now() + ms).toISOString()

export type StepOutcome = 'done' | 'lost' | 'stopped'

/** A step run under claim `token` on import `id`; it stops between two chunks once `shouldStop` says so. */
export type ImportStep = (
  db: Db,
  id: number,
  token: string,
  shouldStop?: () => boolean,
  maxRows?: number,
) => Promise<StepOutcome>

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
export const checkImport: ImportStep = async (db, id, token, shouldStop = () => false, maxRows = MAX_IMPORT_ROWS) => {
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
export const applyImport: ImportStep = async (db, id, token, shouldStop = () => false, maxRows = MAX_IMPORT_ROWS) => {
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
