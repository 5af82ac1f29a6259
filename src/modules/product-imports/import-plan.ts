import {
  compareAtProblem,
  MAX_VARIANTS,
  optionsKey,
  SKU_PATTERN,
  stockProblem,
  YES,
} from '../products/product-rules.js'
import type { CatalogueState, ExistingVariant } from './catalogue-state.js'
import type { ImportPlan, VariantValues } from './plan-changes.js'
import { diffProduct, diffVariant, parseList, parseObject, productValues } from './plan-fields.js'
import { PRODUCT_CSV_COLUMNS, PRODUCT_FIELD_COLUMNS, type ProductCsvColumn } from './product-csv.js'
import type { ImportRow, ProductRowReader, RowError } from './product-rows.js'
import { drain } from './time-slices.js'

/**
 * The plan of a product CSV import: given the rows read and what the shop
 * holds for the file's SKUs and handles, what would change. The job makes
 * it over the stored file for the dry run, and again inside the transaction
 * that applies it, refusing a plan that differs from the one staff saw.
 */

/**
 * What the file would change, given what the shop holds: rows are matched by
 * SKU, a new SKU joins the product its handle names (or the new product made
 * from the rows sharing that handle). A product's first row carries its
 * fields; its later rows may repeat them or leave them empty. Any error
 * anywhere and the plan is not applied.
 */
export function planImport(reader: ProductRowReader, state: CatalogueState): ImportPlan {
  return drain(planSteps(reader, state))
}

/** planImport one product at a time, for a caller that lets other work run between products. */
export function* planSteps(reader: ProductRowReader, state: CatalogueState): Generator<void, ImportPlan> {
  const plan: ImportPlan = {
    rows: reader.dataRows,
    errors: [...reader.errors],
    productsCreated: [],
    productsUpdated: [],
    variantsCreated: [],
    variantsUpdated: [],
    rowsUnchanged: 0,
  }
  const groups = new Map<string, ImportRow[]>()
  for (const row of reader.rows) {
    const group = groups.get(row.handle)
    if (group) group.push(row)
    else groups.set(row.handle, [row])
  }
  for (const [handle, rows] of groups) {
    planProduct(handle, rows, state, plan)
    yield
  }
  plan.errors.sort((a, b) => a.line - b.line || columnOrder(a.column) - columnOrder(b.column))
  return plan
}

function columnOrder(column: ProductCsvColumn | null): number {
  return column === null ? -1 : PRODUCT_CSV_COLUMNS.indexOf(column)
}

function planProduct(handle: string, rows: ImportRow[], state: CatalogueState, plan: ImportPlan): void {
  const errors: RowError[] = []
  const fail = (line: number, column: ProductCsvColumn | null, message: string) =>
    errors.push({ line, column, message })
  const first = rows[0] as ImportRow
  const existing = state.products.get(handle)
  if (!existing && state.redirects.has(handle)) {
    fail(
      first.line,
      'handle',
      `This address used to be the product “${state.redirects.get(handle)}”’s and still leads there; choose another handle`,
    )
  }

  // The first row speaks for the product; a later row may repeat a value or leave it empty.
  for (const row of rows.slice(1)) {
    for (const field of PRODUCT_FIELD_COLUMNS) {
      const value = row.product[field]
      if (first.invalid.has(field)) continue
      if (value && value !== first.product[field])
        fail(
          row.line,
          field,
          `This differs from row ${first.line}, the first row of ${handle}: repeat that value or leave it empty`,
        )
    }
  }

  const values = productValues(first, existing, state, fail)

  // Rows are matched by SKU; a variant stays with its product.
  const known = new Map<ImportRow, ExistingVariant>()
  for (const row of rows) {
    if (row.invalid.has('sku')) continue
    const variant = state.variants.get(row.sku)
    if (variant && variant.product_id !== existing?.id) {
      fail(
        row.line,
        'sku',
        `This SKU belongs to the product ${variant.product_slug}; an import cannot move it to ${handle}`,
      )
    } else if (variant) known.set(row, variant)
    else if (!SKU_PATTERN.test(row.sku))
      fail(row.line, 'sku', 'A new SKU is up to 64 letters, digits, dots, hyphens or underscores')
  }

  // Every variant of the product, as it would be: those in the file and those the file leaves as they are.
  const optionNames = values?.optionNames ?? []
  const optionsRead = (row: ImportRow) => ![...row.invalid].some((c) => c?.startsWith('option'))
  const fileOptionNames = optionsRead(first) ? first.options?.map((o) => o.name) : undefined
  for (const row of rows.slice(1)) {
    const names = optionsRead(row) ? row.options?.map((o) => o.name) : undefined
    if (names && fileOptionNames && names.join('\u0000') !== fileOptionNames.join('\u0000')) {
      fail(
        row.line,
        'option1_name',
        `Every variant of a product has the same options: row ${first.line} has ${listOrNone(fileOptionNames)}, this row ${listOrNone(names)}`,
      )
    }
  }
  const inFile = new Set([...known.values()].map((v) => v.id))
  const others = existing ? (state.productVariants.get(existing.id) ?? []).filter((v) => !inFile.has(v.id)) : []
  if (existing && values && others.length > 0 && existing.option_names !== JSON.stringify(optionNames)) {
    fail(
      first.line,
      'option1_name',
      `The options would change from ${listOrNone(parseList(existing.option_names))} to ${listOrNone(optionNames)}, but the file leaves out ${others.length === 1 ? 'the variant' : 'the variants'} ${others
        .slice(0, 5)
        .map((v) => v.sku)
        .join(', ')}${others.length > 5 ? '…' : ''}: include every variant of the product, or keep its options`,
    )
  }
  if (others.length + rows.length > MAX_VARIANTS) {
    fail(
      first.line,
      'sku',
      `A product has at most ${MAX_VARIANTS} variants; ${handle} would have ${others.length + rows.length}`,
    )
  }

  const combinations = new Map<string, string>()
  for (const v of others) combinations.set(optionsKey(optionNames, parseObject(v.options)), `the variant ${v.sku}`)
  const finals = new Map<ImportRow, VariantValues>()
  for (const row of rows) {
    // A row with a mistake lacks what the checks below need; its mistakes are already listed.
    if (row.invalid.size > 0) continue
    const before = known.get(row)
    const options = row.options
      ? Object.fromEntries(row.options.map((o) => [o.name, o.value]))
      : before
        ? parseObject(before.options)
        : {}
    if (!row.options && !before && optionNames.length > 0) {
      fail(row.line, 'option1_value', `A new variant needs its ${listOrNone(optionNames)}: add the option columns`)
    }
    if (!before && row.price === undefined) fail(row.line, 'price', 'A new variant needs a price: add the price column')
    const final: VariantValues = {
      options,
      price: row.price ?? before?.price ?? 0,
      compareAtPrice: row.compareAtPrice === undefined ? (before?.compare_at_price ?? null) : row.compareAtPrice,
      stock: row.stock ?? before?.stock ?? 0,
      trackStock: row.trackStock ?? (before ? before.track_stock === 1 : true),
      allowBackorder: row.allowBackorder ?? (before ? before.allow_backorder === 1 : false),
    }
    // The form's price and stock rules, on the variant as it would be; a rule speaks of the file's cells, not of values it leaves as they are.
    const compareAt = compareAtProblem(final.price, final.compareAtPrice)
    if (compareAt && (row.compareAtPrice !== undefined || row.price !== undefined))
      fail(row.line, 'compare_at_price', compareAt)
    const stock = stockProblem(final.stock, final.trackStock, final.allowBackorder)
    if (stock && (row.stock !== undefined || !before)) fail(row.line, 'stock', `${stock} (allow_backorder ${YES})`)
    const key = optionsKey(optionNames, options)
    const clash = combinations.get(key)
    if (clash) {
      fail(
        row.line,
        optionNames.length ? 'option1_value' : 'sku',
        optionNames.length
          ? `Another variant of this product has the same options (${clash})`
          : `A product without options has one variant (${clash} is already it): name an option, like Size, to sell several`,
      )
    } else combinations.set(key, `row ${row.line}`)
    finals.set(row, final)
  }

  if (errors.length || !values || rows.some((row) => row.invalid.size > 0)) {
    plan.errors.push(...errors)
    return
  }

  const productChange = existing ? diffProduct(first.line, existing, values, state) : null
  if (!existing) plan.productsCreated.push({ line: first.line, handle, values })
  else if (productChange) plan.productsUpdated.push(productChange)

  const lastPosition = Math.max(
    -1,
    ...(existing ? (state.productVariants.get(existing.id) ?? []) : []).map((v) => v.position),
  )
  let position = lastPosition
  for (const row of rows) {
    const final = finals.get(row) as VariantValues
    const before = known.get(row)
    if (!before) {
      plan.variantsCreated.push({
        line: row.line,
        handle,
        sku: row.sku,
        productId: existing?.id ?? null,
        position: ++position,
        values: final,
      })
      continue
    }
    const change = diffVariant(row.line, handle, before, final, state.currency)
    if (change) plan.variantsUpdated.push(change)
    else if (!productChange) plan.rowsUnchanged++
  }
}

function listOrNone(names: readonly string[]): string {
  return names.length ? names.join(', ') : 'no options'
}
