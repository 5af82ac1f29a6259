import type { ProductStatus, TaxClass } from '../../db/schema.js'
import { decimalAmount } from '../../lib/money.js'
import { NO, YES } from '../products/product-rules.js'
import type { CatalogueState, ExistingProduct, ExistingVariant } from './catalogue-state.js'
import type { FieldChange, ProductChange, ProductValues, VariantChange, VariantValues } from './plan-changes.js'
import type { ProductCsvColumn } from './product-csv.js'
import type { ImportRow } from './product-rows.js'

/** A product's and a variant's fields after an import, and how they differ from what the shop holds. */

/** The product's fields after the import, from its first row (and what the shop holds for a column the file lacks). */
export function productValues(
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

export function diffProduct(
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

export function diffVariant(
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
  const yesNo = (flag: boolean) => (flag ? YES : NO)
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

export function optionText(options: Record<string, string>): string {
  return Object.entries(options)
    .map(([name, value]) => `${name}: ${value}`)
    .join(', ')
}

function shorten(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}

export function parseObject(text: string): Record<string, string> {
  try {
    const value = JSON.parse(text) as unknown
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, string>) : {}
  } catch {
    return {}
  }
}

export function parseList(text: string): string[] {
  try {
    const value = JSON.parse(text) as unknown
    return Array.isArray(value) ? value.map(String) : []
  } catch {
    return []
  }
}
