import { z } from 'zod'
import { formValues } from '../../lib/forms.js'
import { parseId } from '../../lib/ids.js'
import { decimalAmount } from '../../lib/money.js'
import type { FieldErrors } from '../../lib/validation.js'
import { parseJson } from '../catalogue/catalogue.service.js'
import { MAX_OPTIONS, NO, YES } from './product-rules.js'
import { productInput } from './products.forms.js'

/*
 * The product form is one HTML form of numbered fields: option1…3, the
 * attribute rows attr<N>_name / attr<N>_value and the variant rows
 * v<N>_sku, v<N>_price, … . It is read into productInput's shape, so the form
 * and the API take a product through the same schema, and the mistakes,
 * keyed by productInput's paths (variants.2.price), go back under the
 * fields they came from (v5_price).
 */

const OPTION_SLOTS = Array.from({ length: MAX_OPTIONS }, (_, i) => i + 1)

/** The variant rows a form holds: the numbered v<N>_… fields present in the body. */
export function variantRowNumbers(values: Record<string, string>): number[] {
  return rowNumbers(values, /^v(\d{1,3})_/)
}

function rowNumbers(values: Record<string, string>, pattern: RegExp): number[] {
  const rows = new Set<number>()
  for (const key of Object.keys(values)) {
    const match = pattern.exec(key)
    if (match) rows.add(Number(match[1]))
  }
  return [...rows].sort((a, b) => a - b)
}

/**
 * The rows that count, in order: an attribute row left empty is none, and
 * so is a new variant row left empty (or ticked for removal), so the form
 * can always offer spare rows.
 */
function formRows(values: Record<string, string>) {
  const text = (name: string) => (values[name] ?? '').trim()
  const attributes = rowNumbers(values, /^attr(\d{1,2})_(?:name|value)$/).filter(
    (n) => text(`attr${n}_name`) || text(`attr${n}_value`),
  )
  const variants = variantRowNumbers(values).filter((n) => {
    const field = (name: string) => text(`v${n}_${name}`)
    const empty = ['sku', 'price', 'compare', 'stock', ...OPTION_SLOTS.map((i) => `opt${i}`)].every(
      (name) => !field(name),
    )
    return parseId(field('id')) > 0 || !(empty || values[`v${n}_remove`] === YES)
  })
  return { attributes, variants }
}

function variantOfRow(values: Record<string, string>, n: number) {
  const field = (name: string) => values[`v${n}_${name}`] ?? ''
  const id = parseId(field('id').trim()) || null
  if (id !== null && field('remove') === YES) return { id, remove: true as const }
  return {
    id,
    remove: false as const,
    sku: field('sku'),
    options: OPTION_SLOTS.map((i) => field(`opt${i}`)),
    price: field('price'),
    compare_at_price: field('compare'),
    // Only a new variant has its stock on the form: an existing one's changes through stock adjustments.
    stock: id === null && field('stock').trim() ? field('stock') : '0',
    track_stock: field('track') === YES ? YES : NO,
    allow_backorder: field('backorder') === YES ? YES : NO,
  }
}

/** The form's fields in productInput's shape. */
export function productOfForm(body: unknown) {
  const values = formValues(body)
  const rows = formRows(values)
  const text = (name: string) => values[name] ?? ''
  const category = text('category_id').trim()
  return {
    title: text('title'),
    slug: text('slug'),
    description_md: text('description_md'),
    seo_title: text('seo_title'),
    seo_description: text('seo_description'),
    // Anything but a row's id is no category of the list (0).
    category_id: category === '' ? null : parseId(category),
    tax_class: text('tax_class'),
    featured: values.featured === YES,
    attributes: rows.attributes.map((n) => ({ name: text(`attr${n}_name`), value: text(`attr${n}_value`) })),
    option_names: OPTION_SLOTS.map((i) => text(`option${i}`)),
    variants: rows.variants.map((n) => variantOfRow(values, n)),
  }
}

/** The form's buttons: save, or "Preview the description" and "More variant rows", which show it again unsaved. */
export const productFormButtonInput = z
  .object({ _action: z.enum(['save', 'preview', 'rows']).catch('save') })
  .catch({ _action: 'save' as const })

/** The product form as it is posted, checked by productInput. */
export function productFormInput(options: Parameters<typeof productInput>[0]) {
  return z.preprocess(productOfForm, productInput(options))
}

/** A variant's field on the form, by its name in productInput. */
const VARIANT_FIELDS: Record<string, string> = {
  sku: 'sku',
  id: 'sku',
  price: 'price',
  compare_at_price: 'compare',
  stock: 'stock',
  track_stock: 'track',
  allow_backorder: 'backorder',
}
/** A row's fields read first; its options' mistakes follow in the order they were found. */
const VARIANT_ORDER = ['sku', 'price', 'compare', 'stock', 'track', 'backorder']
const PRODUCT_ORDER = ['title', 'slug', 'description_md', 'seo_title', 'seo_description', 'category_id', 'tax_class']

/** The form field a mistake in productInput belongs under, and its place in the form's order. */
function formField(path: string, rows: ReturnType<typeof formRows>): [string, number] {
  const [top, index, field, slot] = path.split('.')
  const n = Number(index)
  if (top === 'attributes') {
    const row = rows.attributes[n] ?? 0
    return [`attr${row}_${field ?? 'name'}`, 100 + row * 2 + (field === 'value' ? 1 : 0)]
  }
  if (top === 'option_names') return [`option${n + 1}`, 1000 + n]
  if (top === 'variants') {
    const row = rows.variants[n] ?? 0
    const name = field === 'options' ? `opt${Number(slot) + 1}` : (VARIANT_FIELDS[field ?? ''] ?? 'sku')
    const at = VARIANT_ORDER.indexOf(name)
    return [`v${row}_${name}`, 10_000 + row * 10 + (at < 0 ? VARIANT_ORDER.length : at)]
  }
  const at = PRODUCT_ORDER.indexOf(path)
  return [path, at < 0 ? PRODUCT_ORDER.length : at]
}

/** Mistakes keyed by productInput's paths, put under the form's fields, in the form's order, one for each field. */
export function productFormErrors(errors: FieldErrors, values: Record<string, string>): FieldErrors {
  const rows = formRows(values)
  const placed = Object.entries(errors).map(([path, message]) => [...formField(path, rows), message] as const)
  const sorted: FieldErrors = {}
  // A stable sort: mistakes in the same place (a row's options) keep the order they were found in.
  for (const [field, , message] of placed.sort((a, b) => a[1] - b[1])) sorted[field] ??= message
  return sorted
}

interface StoredProduct {
  title: string
  slug: string
  description_md: string
  seo_title: string | null
  seo_description: string | null
  category_id: number | null
  tax_class: string
  featured: number
  option_names: string
  attributes: string
}

interface StoredVariant {
  id: number
  sku: string
  options: string
  price: number
  compare_at_price: number | null
  track_stock: number
  allow_backorder: number
}

/** A stored product as the form shows it. */
export function productFormValues(
  product: StoredProduct,
  variants: readonly StoredVariant[],
  currency: string,
): Record<string, string> {
  const values: Record<string, string> = {
    title: product.title,
    slug: product.slug,
    description_md: product.description_md,
    seo_title: product.seo_title ?? '',
    seo_description: product.seo_description ?? '',
    category_id: product.category_id === null ? '' : String(product.category_id),
    tax_class: product.tax_class,
    featured: product.featured ? YES : '',
  }
  const optionNames = parseJson<string[]>(product.option_names, [])
  optionNames.forEach((name, i) => {
    values[`option${i + 1}`] = name
  })
  Object.entries(parseJson<Record<string, string>>(product.attributes, {})).forEach(([name, value], i) => {
    values[`attr${i}_name`] = name
    values[`attr${i}_value`] = value
  })
  variants.forEach((v, n) => {
    const options = parseJson<Record<string, string>>(v.options, {})
    Object.assign(values, {
      [`v${n}_id`]: String(v.id),
      [`v${n}_sku`]: v.sku,
      [`v${n}_price`]: decimalAmount(v.price, currency),
      [`v${n}_compare`]: v.compare_at_price === null ? '' : decimalAmount(v.compare_at_price, currency),
      [`v${n}_track`]: v.track_stock ? YES : '',
      [`v${n}_backorder`]: v.allow_backorder ? YES : '',
    })
    optionNames.forEach((name, i) => {
      values[`v${n}_opt${i + 1}`] = options[name] ?? ''
    })
  })
  return values
}
