import { createHash } from 'node:crypto'
import type { ProductStatus, TaxClass } from '../../db/schema.js'
import { decimalAmount, parseMoney } from '../../lib/money.js'
import {
  MAX_ATTRIBUTES,
  MAX_OPTIONS,
  MAX_VARIANTS,
  PRODUCT_LIMITS,
  SKU_PATTERN,
  SLUG_PATTERN,
  TAX_CLASSES,
  type VariantFields,
} from '../products/products.forms.js'
import {
  CSV_NO,
  CSV_YES,
  PRODUCT_CSV_COLUMNS,
  PRODUCT_FIELD_COLUMNS,
  type ProductCsvColumn,
  REQUIRED_IMPORT_COLUMNS,
  unguardCell,
} from './product-csv.js'

/**
 * The rules of a product CSV import, without the database: reading the
 * header and each row, then, given what the shop holds for the file's SKUs
 * and handles, the plan of what would change. The job runs these over the
 * stored file for the dry run, and again inside the transaction that applies
 * it, refusing a plan that differs from the one staff saw.
 */

/** A mistake in the file, at its spreadsheet row (the header is row 1) and column. */
export interface RowError {
  line: number
  column: ProductCsvColumn | null
  message: string
}

// The product form's limits, so an import never makes what the form would refuse.
const LIMITS = PRODUCT_LIMITS
const STATUSES: readonly ProductStatus[] = ['draft', 'active', 'archived']

export type Columns = ReadonlyMap<ProductCsvColumn, number>

/** Which cell holds which column; every column name known, none twice, the required ones present. */
export function readHeader(
  record: readonly string[],
): { ok: true; columns: Columns } | { ok: false; errors: RowError[] } {
  const columns = new Map<ProductCsvColumn, number>()
  const errors: RowError[] = []
  const known = new Set<string>(PRODUCT_CSV_COLUMNS)
  record.forEach((raw, index) => {
    const name = raw.trim().toLowerCase()
    // Spreadsheets often save a few empty columns at the end.
    if (name === '') return
    if (!known.has(name)) {
      errors.push({ line: 1, column: null, message: `“${raw.trim()}” is not a column this shop knows` })
    } else if (columns.has(name as ProductCsvColumn)) {
      errors.push({ line: 1, column: name as ProductCsvColumn, message: `The column ${name} appears twice` })
    } else columns.set(name as ProductCsvColumn, index)
  })
  for (const column of REQUIRED_IMPORT_COLUMNS) {
    if (!columns.has(column)) errors.push({ line: 1, column, message: `The first row must name the ${column} column` })
  }
  return errors.length ? { ok: false, errors } : { ok: true, columns }
}

type ProductField = (typeof PRODUCT_FIELD_COLUMNS)[number]

/**
 * One data row. A field is undefined when the file has no column for it (it
 * is then left as it is), or when its cell has a mistake (listed in invalid).
 */
export interface ImportRow {
  line: number
  /** The columns whose cells have a mistake (null: the row itself); such a row is only checked against the others. */
  invalid: ReadonlySet<ProductCsvColumn | null>
  handle: string
  sku: string
  /** The product's cells, cleaned; '' for an empty cell (on a product's later rows: the same as its first row). */
  product: Partial<Record<ProductField, string>>
  options: { name: string; value: string }[] | undefined
  price: number | undefined
  compareAtPrice: number | null | undefined
  stock: number | undefined
  trackStock: boolean | undefined
  allowBackorder: boolean | undefined
}

/**
 * Reads the data rows one by one: each row's own mistakes, and a SKU seen
 * on an earlier row. Blank rows are skipped but still counted, so row
 * numbers stay the spreadsheet's. A row with mistakes is kept (unless its
 * handle is unusable), so the checks across rows still speak about it.
 */
export class ProductRowReader {
  readonly rows: ImportRow[] = []
  readonly errors: RowError[] = []
  /** Rows that were not blank. */
  dataRows = 0
  private readonly skuLines = new Map<string, number>()

  constructor(
    private readonly columns: Columns,
    private readonly currency: string,
  ) {}

  read(record: readonly string[], line: number): void {
    if (record.every((cell) => cell.trim() === '')) return
    this.dataRows++
    const errors: RowError[] = []
    const fail = (column: ProductCsvColumn | null, message: string) => errors.push({ line, column, message })
    const cell = (column: ProductCsvColumn): string | undefined => {
      const index = this.columns.get(column)
      return index === undefined ? undefined : unguardCell((record[index] ?? '').trim())
    }
    const width = Math.max(...this.columns.values()) + 1
    if (record.slice(width).some((c) => c.trim() !== ''))
      fail(null, 'This row has more cells than the first row has columns')

    const handle = (cell('handle') ?? '').toLowerCase()
    if (!handle) fail('handle', 'Enter the product’s handle, its web address, like blue-mug')
    else if (!SLUG_PATTERN.test(handle) || handle.length > LIMITS.handle)
      fail(
        'handle',
        `A handle is lower-case letters, digits and single hyphens, like blue-mug (at most ${LIMITS.handle})`,
      )
    const sku = cell('sku') ?? ''
    if (!sku) fail('sku', 'Enter the variant’s SKU')
    else if (sku.length > LIMITS.sku) fail('sku', `A SKU is at most ${LIMITS.sku} characters`)
    else {
      const earlier = this.skuLines.get(sku)
      if (earlier !== undefined) fail('sku', `This SKU is also on row ${earlier}: each variant has one row`)
      else this.skuLines.set(sku, line)
    }

    const product: ImportRow['product'] = {}
    for (const field of PRODUCT_FIELD_COLUMNS) {
      const value = cell(field)
      if (value === undefined) continue
      const checked = checkProductCell(field, value)
      if ('error' in checked) fail(field, checked.error)
      else product[field] = checked.value
    }

    const row: ImportRow = {
      line,
      invalid: new Set(),
      handle,
      sku,
      product,
      options: this.readOptions(cell, fail),
      price: undefined,
      compareAtPrice: undefined,
      stock: undefined,
      trackStock: undefined,
      allowBackorder: undefined,
    }
    const money = (column: 'price' | 'compare_at_price', text: string) => {
      const minor = parseMoney(text, this.currency)
      if (minor === null) {
        const what = column === 'price' ? 'the price' : 'the compare-at price'
        fail(
          column,
          `Enter ${what} as an amount in ${this.currency}, like 18.00${column === 'price' ? '' : ', or leave it empty'}`,
        )
      }
      return minor ?? undefined
    }
    const price = cell('price')
    if (price === '') fail('price', 'Enter the price, like 18.00')
    else if (price !== undefined) row.price = money('price', price)
    const compare = cell('compare_at_price')
    if (compare !== undefined) row.compareAtPrice = compare === '' ? null : money('compare_at_price', compare)
    const stock = cell('stock')
    if (stock !== undefined) {
      if (!/^-?\d{1,7}$/.test(stock) || Math.abs(Number(stock)) > LIMITS.stock)
        fail('stock', 'Enter the stock as a whole number, like 12')
      else row.stock = Number(stock)
    }
    for (const [column, key] of [
      ['track_stock', 'trackStock'],
      ['allow_backorder', 'allowBackorder'],
    ] as const) {
      const value = cell(column)?.toLowerCase()
      if (value === undefined) continue
      if (value !== CSV_YES && value !== CSV_NO) fail(column, `Enter ${CSV_YES} or ${CSV_NO}`)
      else row[key] = value === CSV_YES
    }

    this.errors.push(...errors)
    row.invalid = new Set(errors.map((e) => e.column))
    if (!row.invalid.has('handle')) this.rows.push(row)
  }

  private readOptions(
    cell: (column: ProductCsvColumn) => string | undefined,
    fail: (column: ProductCsvColumn, message: string) => void,
  ): ImportRow['options'] {
    const named = (i: number) => `option${i}_name` as ProductCsvColumn
    const valued = (i: number) => `option${i}_value` as ProductCsvColumn
    const numbers = Array.from({ length: MAX_OPTIONS }, (_, i) => i + 1)
    if (numbers.every((i) => cell(named(i)) === undefined && cell(valued(i)) === undefined)) return undefined
    const options: { name: string; value: string }[] = []
    let gap = 0
    for (const i of numbers) {
      const name = cell(named(i)) ?? ''
      const value = cell(valued(i)) ?? ''
      if (!name && !value) {
        gap ||= i
        continue
      }
      if (!name) fail(named(i), 'Name this option, like Size, or leave its value empty')
      else if (gap) fail(named(i), `Fill in option ${gap} before option ${i}`)
      else if (name.length > LIMITS.optionName)
        fail(named(i), `An option name is at most ${LIMITS.optionName} characters`)
      else if (options.some((o) => o.name.toLowerCase() === name.toLowerCase()))
        fail(named(i), `${name} is already an option on this row`)
      if (name && !value) fail(valued(i), `Enter this variant’s ${name}`)
      else if (value.length > LIMITS.optionValue)
        fail(valued(i), `An option value is at most ${LIMITS.optionValue} characters`)
      options.push({ name, value })
    }
    return options
  }
}

function checkProductCell(field: ProductField, value: string): { value: string } | { error: string } {
  const tooLong = (label: string, max: number) =>
    value.length > max ? { error: `The ${label} must be at most ${max.toLocaleString('en')} characters` } : { value }
  switch (field) {
    case 'title':
      return tooLong('title', LIMITS.title)
    case 'status': {
      const status = value.toLowerCase()
      return status === '' || STATUSES.includes(status as ProductStatus)
        ? { value: status }
        : { error: 'The status is draft, active or archived' }
    }
    case 'tax_class': {
      const taxClass = value.toLowerCase()
      return taxClass === '' || (TAX_CLASSES as readonly string[]).includes(taxClass)
        ? { value: taxClass }
        : { error: `The tax class is ${TAX_CLASSES.join(', ').replace(/, (\w+)$/, ' or $1')}` }
    }
    case 'category':
      return { value: value.toLowerCase() }
    case 'description_md':
      return tooLong('description', LIMITS.description)
    case 'seo_title':
      return tooLong('search-engine title', LIMITS.seoTitle)
    case 'seo_description':
      return tooLong('search-engine description', LIMITS.seoDescription)
    case 'attributes':
      return value === '' ? { value } : readAttributes(value)
  }
}

/** Attributes as the shop stores them: a JSON object of text, re-serialised so equal objects compare equal. */
function readAttributes(text: string): { value: string } | { error: string } {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return { error: 'Write the attributes as JSON, like {"Material":"Stoneware"}' }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { error: 'Write the attributes as JSON, like {"Material":"Stoneware"}' }
  const entries = Object.entries(parsed)
  if (entries.length > MAX_ATTRIBUTES) return { error: `A product has at most ${MAX_ATTRIBUTES} attributes` }
  const attributes: Record<string, string> = {}
  for (const [rawName, rawValue] of entries) {
    const name = rawName.trim()
    if (typeof rawValue !== 'string') return { error: `Write the value of ${name} in quotes, like "300 g"` }
    const value = rawValue.trim()
    if (!name || !value) return { error: 'Every attribute needs a name and a value' }
    if (name.length > LIMITS.attributeName)
      return { error: `An attribute name is at most ${LIMITS.attributeName} characters` }
    if (value.length > LIMITS.attributeValue)
      return { error: `An attribute value is at most ${LIMITS.attributeValue} characters` }
    attributes[name] = value
  }
  return { value: JSON.stringify(attributes) }
}

/** What the shop holds for the file's SKUs and handles (see product-import.repository.ts). */
export interface ExistingProduct {
  id: number
  slug: string
  title: string
  status: ProductStatus
  category_id: number | null
  tax_class: TaxClass
  description_md: string
  seo_title: string | null
  seo_description: string | null
  attributes: string
  option_names: string
  published_at: string | null
}

export interface ExistingVariant {
  id: number
  product_id: number
  product_slug: string
  sku: string
  options: string
  price: number
  compare_at_price: number | null
  stock: number
  track_stock: number
  allow_backorder: number
  position: number
}

export interface CatalogueState {
  currency: string
  /** Every category: address → id, and back. */
  categoryIds: ReadonlyMap<string, number>
  categorySlugs: ReadonlyMap<number, string>
  /** The file's SKUs that the shop knows. */
  variants: ReadonlyMap<string, ExistingVariant>
  /** The file's handles that are products. */
  products: ReadonlyMap<string, ExistingProduct>
  /** Every variant of those products. */
  productVariants: ReadonlyMap<number, readonly ExistingVariant[]>
  /** The file's handles that are old addresses of a product (they still redirect to it). */
  redirects: ReadonlyMap<string, string>
}

export interface ProductValues {
  title: string
  status: ProductStatus
  categoryId: number | null
  taxClass: TaxClass
  descriptionMd: string
  seoTitle: string | null
  seoDescription: string | null
  /** JSON object text. */
  attributes: string
  optionNames: string[]
}

/** A variant's values, as the product form has them (stock included: an import sets it). */
export type VariantValues = Pick<
  VariantFields,
  'options' | 'price' | 'compareAtPrice' | 'stock' | 'trackStock' | 'allowBackorder'
>

/** A field that changes, as people read it. */
export interface FieldChange {
  field: string
  before: string
  after: string
}

export interface ProductCreate {
  line: number
  handle: string
  values: ProductValues
}

export interface ProductChange {
  line: number
  handle: string
  productId: number
  title: string
  set: Partial<ProductValues>
  before: Partial<ProductValues>
  /** It becomes active for the first time. */
  publish: boolean
  changes: FieldChange[]
}

export interface VariantCreate {
  line: number
  handle: string
  sku: string
  /** The existing product it joins, or null for the new product of its handle. */
  productId: number | null
  position: number
  values: VariantValues
}

export interface VariantChange {
  line: number
  handle: string
  sku: string
  variantId: number
  productId: number
  set: Partial<VariantValues>
  before: Partial<VariantValues>
  changes: FieldChange[]
}

export interface ImportPlan {
  /** Rows that were not blank. */
  rows: number
  errors: RowError[]
  productsCreated: ProductCreate[]
  productsUpdated: ProductChange[]
  variantsCreated: VariantCreate[]
  variantsUpdated: VariantChange[]
  rowsUnchanged: number
}

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

/** Runs a step-by-step computation to its end at once. */
function drain<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next()
    if (step.done) return step.value
  }
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
  for (const v of others) combinations.set(combination(optionNames, parseObject(v.options)), `the variant ${v.sku}`)
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
    if (final.compareAtPrice !== null && (row.compareAtPrice !== undefined || row.price !== undefined)) {
      if (final.compareAtPrice <= final.price)
        fail(row.line, 'compare_at_price', 'The compare-at price is the higher price it was: more than the price')
    }
    if (final.stock < 0 && final.trackStock && !final.allowBackorder && (row.stock !== undefined || !before)) {
      fail(row.line, 'stock', 'Stock below zero needs backorders allowed (allow_backorder yes)')
    }
    const key = combination(optionNames, options)
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

/** The product's fields after the import, from its first row (and what the shop holds for a column the file lacks). */
function productValues(
  first: ImportRow,
  existing: ExistingProduct | undefined,
  state: CatalogueState,
  fail: (line: number, column: ProductCsvColumn | null, message: string) => void,
): ProductValues | null {
  const cells = first.product
  // A first row with a mistake gives no values; its cells that could be read are still checked.
  let ok = first.invalid.size === 0
  const title = cells.title ?? existing?.title
  if (!title && !first.invalid.has('title')) {
    ok = false
    fail(
      first.line,
      'title',
      cells.title === undefined
        ? 'A new product needs a title: add the title column'
        : 'Enter the product’s title on its first row',
    )
  }
  if (cells.status === '') {
    ok = false
    fail(first.line, 'status', 'Enter the status on the product’s first row: draft, active or archived')
  }
  let categoryId = existing?.category_id ?? null
  if (cells.category !== undefined) {
    categoryId = cells.category === '' ? null : (state.categoryIds.get(cells.category) ?? null)
    if (cells.category !== '' && categoryId === null) {
      ok = false
      fail(first.line, 'category', `No category has the address “${cells.category}”`)
    }
  }
  if (!ok) return null
  const optional = (value: string | undefined, current: string | null | undefined) =>
    value === undefined ? (current ?? null) : value || null
  return {
    title: title as string,
    status: (cells.status || existing?.status || 'draft') as ProductStatus,
    categoryId,
    taxClass: (cells.tax_class === undefined
      ? (existing?.tax_class ?? 'standard')
      : cells.tax_class || 'standard') as TaxClass,
    descriptionMd: cells.description_md ?? existing?.description_md ?? '',
    seoTitle: optional(cells.seo_title, existing?.seo_title),
    seoDescription: optional(cells.seo_description, existing?.seo_description),
    attributes:
      cells.attributes === undefined
        ? JSON.stringify(parseObject(existing?.attributes ?? '{}'))
        : cells.attributes || '{}',
    optionNames: first.options ? first.options.map((o) => o.name) : existing ? parseList(existing.option_names) : [],
  }
}

/** Each field: its column as people read it, and how its value is written there. */
type Shown<V> = Record<keyof V, [ProductCsvColumn | 'options', (v: V) => string]>

/** The fields that differ, as new values, old values and the changes people read. */
function changedFields<V extends object>(before: V, after: V, shown: Shown<V>) {
  const set: Partial<V> = {}
  const was: Partial<V> = {}
  const changes: FieldChange[] = []
  for (const key of Object.keys(shown) as (keyof V)[]) {
    if (JSON.stringify(after[key]) === JSON.stringify(before[key])) continue
    set[key] = after[key]
    was[key] = before[key]
    const [field, show] = shown[key]
    changes.push({ field, before: show(before) || '—', after: show(after) || '—' })
  }
  return { set, was, changes }
}

function diffProduct(
  line: number,
  existing: ExistingProduct,
  values: ProductValues,
  state: CatalogueState,
): ProductChange | null {
  const before: ProductValues = {
    title: existing.title,
    status: existing.status,
    categoryId: existing.category_id,
    taxClass: existing.tax_class,
    descriptionMd: existing.description_md,
    seoTitle: existing.seo_title,
    seoDescription: existing.seo_description,
    attributes: JSON.stringify(parseObject(existing.attributes)),
    optionNames: parseList(existing.option_names),
  }
  const category = (id: number | null) => (id === null ? '' : (state.categorySlugs.get(id) ?? String(id)))
  const shown: Shown<ProductValues> = {
    title: ['title', (v) => v.title],
    status: ['status', (v) => v.status],
    categoryId: ['category', (v) => category(v.categoryId)],
    taxClass: ['tax_class', (v) => v.taxClass],
    descriptionMd: ['description_md', (v) => shorten(v.descriptionMd)],
    seoTitle: ['seo_title', (v) => v.seoTitle ?? ''],
    seoDescription: ['seo_description', (v) => v.seoDescription ?? ''],
    attributes: ['attributes', (v) => (v.attributes === '{}' ? '' : v.attributes)],
    optionNames: ['options', (v) => v.optionNames.join(', ')],
  }
  const { set, was, changes } = changedFields(before, values, shown)
  if (changes.length === 0) return null
  return {
    line,
    handle: existing.slug,
    productId: existing.id,
    title: values.title,
    set,
    before: was,
    publish: values.status === 'active' && existing.published_at === null,
    changes,
  }
}

function diffVariant(
  line: number,
  handle: string,
  existing: ExistingVariant,
  values: VariantValues,
  currency: string,
): VariantChange | null {
  const before: VariantValues = {
    options: parseObject(existing.options),
    price: existing.price,
    compareAtPrice: existing.compare_at_price,
    stock: existing.stock,
    trackStock: existing.track_stock === 1,
    allowBackorder: existing.allow_backorder === 1,
  }
  const money = (minor: number | null) => (minor === null ? '' : decimalAmount(minor, currency))
  const yesNo = (flag: boolean) => (flag ? CSV_YES : CSV_NO)
  const shown: Shown<VariantValues> = {
    options: ['options', (v) => optionText(v.options)],
    price: ['price', (v) => money(v.price)],
    compareAtPrice: ['compare_at_price', (v) => money(v.compareAtPrice)],
    stock: ['stock', (v) => String(v.stock)],
    trackStock: ['track_stock', (v) => yesNo(v.trackStock)],
    allowBackorder: ['allow_backorder', (v) => yesNo(v.allowBackorder)],
  }
  const { set, was, changes } = changedFields(before, values, shown)
  if (changes.length === 0) return null
  return {
    line,
    handle,
    sku: existing.sku,
    variantId: existing.id,
    productId: existing.product_id,
    set,
    before: was,
    changes,
  }
}

function combination(names: readonly string[], options: Record<string, string>): string {
  return JSON.stringify(names.map((name) => (options[name] ?? '').toLowerCase()))
}

export function optionText(options: Record<string, string>): string {
  return Object.entries(options)
    .map(([name, value]) => `${name}: ${value}`)
    .join(', ')
}

function listOrNone(names: readonly string[]): string {
  return names.length ? names.join(', ') : 'no options'
}

function shorten(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}

function parseObject(text: string): Record<string, string> {
  try {
    const value = JSON.parse(text) as unknown
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, string>) : {}
  } catch {
    return {}
  }
}

function parseList(text: string): string[] {
  try {
    const value = JSON.parse(text) as unknown
    return Array.isArray(value) ? value.map(String) : []
  } catch {
    return []
  }
}

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
