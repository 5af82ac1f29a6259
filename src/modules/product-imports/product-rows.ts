import type { z } from 'zod'
import type { ProductStatus } from '../../db/schema.js'
import {
  handleText,
  MAX_OPTIONS,
  optionNameText,
  optionValueText,
  productText,
  skuText,
  TAX_CLASSES,
  taxClassText,
} from '../products/product-rules.js'
import { attributesInput, variantInput } from '../products/products.forms.js'
import {
  PRODUCT_CSV_COLUMNS,
  PRODUCT_FIELD_COLUMNS,
  type ProductCsvColumn,
  REQUIRED_IMPORT_COLUMNS,
  unguardCell,
} from './product-csv.js'

/**
 * Reading a product CSV file: its header, then each data row on its own,
 * through the product form's field rules (products.forms.ts), so an import
 * never makes what the form would refuse. What a row means for the shop is
 * the plan's to say (import-plan.ts).
 */

/** A mistake in the file, at its spreadsheet row (the header is row 1) and column. */
export interface RowError {
  line: number
  column: ProductCsvColumn | null
  message: string
}

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

export type ProductField = (typeof PRODUCT_FIELD_COLUMNS)[number]

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

const STATUSES: readonly ProductStatus[] = ['draft', 'active', 'archived']

/** "a, b or c" */
function orList(values: readonly string[]): string {
  return values.join(', ').replace(/, ([^,]+)$/, ' or $1')
}

/** A cell through its rule: the value it holds, or the first thing wrong with it. */
function checked<S extends z.ZodType>(rule: S, input: unknown): { value: z.output<S> } | { error: string } {
  const result = rule.safeParse(input)
  return result.success ? { value: result.data } : { error: result.error.issues[0]?.message ?? 'Check this cell' }
}

/** The product's cells, as a file writes them: statuses and tax classes typed, not picked from a list. */
const PRODUCT_CELLS: Record<Exclude<ProductField, 'category' | 'attributes' | 'status'>, z.ZodType<string>> = {
  title: productText.title,
  tax_class: taxClassText(`The tax class is ${orList(TAX_CLASSES)}`),
  description_md: productText.description_md,
  seo_title: productText.seo_title,
  seo_description: productText.seo_description,
}

const handleCell = handleText('A handle').refine(
  (handle) => handle !== '',
  'Enter the product’s handle, its web address, like blue-mug',
)

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
  /** A variant's cells are read by the product form's own variant fields. */
  private readonly variantCells

  constructor(
    private readonly columns: Columns,
    currency: string,
  ) {
    this.variantCells = variantInput(currency).shape
  }

  read(record: readonly string[], line: number): void {
    if (record.every((cell) => cell.trim() === '')) return
    this.dataRows++
    const errors: RowError[] = []
    const fail = (column: ProductCsvColumn | null, message: string) => errors.push({ line, column, message })
    const cell = (column: ProductCsvColumn): string | undefined => {
      const index = this.columns.get(column)
      return index === undefined ? undefined : unguardCell((record[index] ?? '').trim())
    }
    /** A present cell through its rule: its value, or undefined with its mistake listed. */
    const read = <S extends z.ZodType>(column: ProductCsvColumn, rule: S): z.output<S> | undefined => {
      const text = cell(column)
      if (text === undefined) return undefined
      const result = checked(rule, text)
      if ('error' in result) fail(column, result.error)
      return 'value' in result ? result.value : undefined
    }
    const width = Math.max(...this.columns.values()) + 1
    if (record.slice(width).some((c) => c.trim() !== ''))
      fail(null, 'This row has more cells than the first row has columns')

    const handle = read('handle', handleCell) ?? (cell('handle') ?? '').toLowerCase()
    const sku = read('sku', skuText) ?? cell('sku') ?? ''
    if (sku && !errors.some((e) => e.column === 'sku')) {
      const earlier = this.skuLines.get(sku)
      if (earlier !== undefined) fail('sku', `This SKU is also on row ${earlier}: each variant has one row`)
      else this.skuLines.set(sku, line)
    }

    const product: ImportRow['product'] = {}
    for (const field of PRODUCT_FIELD_COLUMNS) {
      const value = cell(field)
      if (value === undefined) continue
      const result = checkProductCell(field, value)
      if ('error' in result) fail(field, result.error)
      else product[field] = result.value
    }

    const v = this.variantCells
    const row: ImportRow = {
      line,
      invalid: new Set(),
      handle,
      sku,
      product,
      options: this.readOptions(cell, fail),
      price: read('price', v.price),
      compareAtPrice: read('compare_at_price', v.compare_at_price),
      stock: read('stock', v.stock),
      trackStock: read('track_stock', v.track_stock),
      allowBackorder: read('allow_backorder', v.allow_backorder),
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
      const nameRule = checked(optionNameText, name)
      if (!name) fail(named(i), 'Name this option, like Size, or leave its value empty')
      else if (gap) fail(named(i), `Fill in option ${gap} before option ${i}`)
      else if ('error' in nameRule) fail(named(i), nameRule.error)
      else if (options.some((o) => o.name.toLowerCase() === name.toLowerCase()))
        fail(named(i), `${name} is already an option on this row`)
      const valueRule = checked(optionValueText, value)
      if (name && !value) fail(valued(i), `Enter this variant’s ${name}`)
      else if ('error' in valueRule) fail(valued(i), valueRule.error)
      options.push({ name, value })
    }
    return options
  }
}

function checkProductCell(field: ProductField, value: string): { value: string } | { error: string } {
  switch (field) {
    case 'status': {
      const status = value.toLowerCase()
      return status === '' || STATUSES.includes(status as ProductStatus)
        ? { value: status }
        : { error: `The status is ${orList(STATUSES)}` }
    }
    case 'category':
      return { value: value.toLowerCase() }
    case 'attributes':
      return value === '' ? { value } : readAttributes(value)
    default:
      return checked(PRODUCT_CELLS[field], value)
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
  for (const [name, value] of entries) {
    if (typeof value !== 'string') return { error: `Write the value of ${name.trim()} in quotes, like "300 g"` }
  }
  const attributes = checked(
    attributesInput,
    entries.map(([name, value]) => ({ name, value })),
  )
  return 'error' in attributes ? attributes : { value: JSON.stringify(attributes.value) }
}
