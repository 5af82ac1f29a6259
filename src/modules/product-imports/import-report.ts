import { createHash } from 'node:crypto'
import { decimalAmount } from '../../lib/money.js'
import type { FieldChange, ImportPlan } from './plan-changes.js'
import { optionText } from './plan-fields.js'
import type { RowError } from './product-rows.js'
import { drain } from './time-slices.js'

/**
 * A fingerprint of everything the plan would write and of the values it
 * would overwrite: the same file over unchanged data gives the same hash,
 * and any change underneath that matters to the file gives another.
 */
export function planHash(plan: ImportPlan, currency: string): string {
  return drain(planHashSteps(plan, currency))
}

/** planHash one change at a time. */
export function* planHashSteps(plan: ImportPlan, currency: string): Generator<void, string> {
  const hash = createHash('sha256')
  hash.update(currency)
  for (const list of [plan.productsCreated, plan.productsUpdated, plan.variantsCreated, plan.variantsUpdated]) {
    hash.update(`\u0000${list.length}`)
    for (const item of list) {
      hash.update(JSON.stringify(item))
      yield
    }
  }
  return hash.digest('hex')
}

/** How many of each list the report keeps: enough to look over, never megabytes. */
export const REPORT_ITEMS = 200
export const REPORT_ERRORS = 500

/** The dry run as staff read it: the counts, the first changes of each kind and the first errors. */
export interface ImportReport {
  rows: number
  counts: {
    productsCreated: number
    productsUpdated: number
    variantsCreated: number
    variantsUpdated: number
    rowsUnchanged: number
    errors: number
  }
  productsCreated: { line: number; handle: string; title: string; status: string; variants: number }[]
  productsUpdated: { line: number; handle: string; title: string; changes: FieldChange[] }[]
  variantsCreated: { line: number; handle: string; sku: string; options: string; price: string; stock: number }[]
  variantsUpdated: { line: number; handle: string; sku: string; changes: FieldChange[] }[]
  errors: RowError[]
}

export function importReport(plan: ImportPlan, currency: string): ImportReport {
  const newVariants = new Map<string, number>()
  for (const v of plan.variantsCreated)
    if (v.productId === null) newVariants.set(v.handle, (newVariants.get(v.handle) ?? 0) + 1)
  return {
    rows: plan.rows,
    counts: {
      productsCreated: plan.productsCreated.length,
      productsUpdated: plan.productsUpdated.length,
      variantsCreated: plan.variantsCreated.length,
      variantsUpdated: plan.variantsUpdated.length,
      rowsUnchanged: plan.rowsUnchanged,
      errors: plan.errors.length,
    },
    productsCreated: plan.productsCreated.slice(0, REPORT_ITEMS).map((p) => ({
      line: p.line,
      handle: p.handle,
      title: p.values.title,
      status: p.values.status,
      variants: newVariants.get(p.handle) ?? 0,
    })),
    productsUpdated: plan.productsUpdated
      .slice(0, REPORT_ITEMS)
      .map((p) => ({ line: p.line, handle: p.handle, title: p.title, changes: p.changes })),
    variantsCreated: plan.variantsCreated.slice(0, REPORT_ITEMS).map((v) => ({
      line: v.line,
      handle: v.handle,
      sku: v.sku,
      options: optionText(v.values.options),
      price: decimalAmount(v.values.price, currency),
      stock: v.values.stock,
    })),
    variantsUpdated: plan.variantsUpdated
      .slice(0, REPORT_ITEMS)
      .map((v) => ({ line: v.line, handle: v.handle, sku: v.sku, changes: v.changes })),
    errors: plan.errors.slice(0, REPORT_ERRORS),
  }
}

/** One sentence for the activity log and the page after applying. */
export function importSummary(counts: ImportReport['counts']): string {
  const n = (count: number, one: string, many: string) => `${count.toLocaleString('en')} ${count === 1 ? one : many}`
  return [
    `${n(counts.productsCreated, 'product', 'products')} created`,
    `${n(counts.productsUpdated, 'product', 'products')} updated`,
    `${n(counts.variantsCreated, 'variant', 'variants')} created`,
    `${n(counts.variantsUpdated, 'variant', 'variants')} updated`,
    `${n(counts.rowsUnchanged, 'row', 'rows')} unchanged`,
  ].join(', ')
}
