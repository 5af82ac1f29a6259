import type { TaxClass } from '../../db/schema.js'
import { parseMoney } from '../../lib/money.js'
import type { FieldErrors, Validated } from '../../lib/validation.js'

/** A product has at most this many options (Size, Colour, Material), and this many variants and attributes. */
export const MAX_OPTIONS = 3
export const MAX_VARIANTS = 100
export const MAX_ATTRIBUTES = 20
export const TAX_CLASSES = ['standard', 'reduced', 'zero'] as const satisfies readonly TaxClass[]
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/
export const SKU_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/
/** How long each text may be, and the most stock a variant holds: the form and the CSV import share them. */
export const PRODUCT_LIMITS = {
  handle: 150,
  title: 200,
  description: 20_000,
  seoTitle: 200,
  seoDescription: 320,
  optionName: 40,
  optionValue: 60,
  attributeName: 60,
  attributeValue: 200,
  sku: 64,
  stock: 1_000_000,
} as const
const L = PRODUCT_LIMITS

export interface VariantFields {
  /** The form row it came from (the N of its v<N>_… fields), for messages. */
  row: number
  /** An existing variant of this product, or null for a new one. */
  id: number | null
  remove: boolean
  sku: string
  /** Option name → value, one per option name of the product. */
  options: Record<string, string>
  price: number
  compareAtPrice: number | null
  /** New variants only: the stock they start with. Existing ones change through stock adjustments. */
  stock: number
  trackStock: boolean
  allowBackorder: boolean
}

export interface ProductFields {
  title: string
  /** Empty: made from the title. */
  slug: string
  descriptionMd: string
  seoTitle: string | null
  seoDescription: string | null
  categoryId: number | null
  taxClass: TaxClass
  featured: boolean
  attributes: Record<string, string>
  optionNames: string[]
  variants: VariantFields[]
}

/** The variant rows a form holds: the numbered v<N>_… fields present in the body. */
export function variantRowNumbers(body: Record<string, string>): number[] {
  const rows = new Set<number>()
  for (const key of Object.keys(body)) {
    const match = /^v(\d{1,3})_/.exec(key)
    if (match) rows.add(Number(match[1]))
  }
  return [...rows].sort((a, b) => a - b)
}

function attributeRowNumbers(body: Record<string, string>): number[] {
  const rows = new Set<number>()
  for (const key of Object.keys(body)) {
    const match = /^attr(\d{1,2})_(name|value)$/.exec(key)
    if (match) rows.add(Number(match[1]))
  }
  return [...rows].sort((a, b) => a - b)
}

/**
 * The product form, read and checked: every mistake gets a message under its
 * field (the keys are the field names). A variant row left wholly empty is
 * ignored, so the form can always offer spare rows. Whether a SKU or an
 * address is free is the service's to check, against the database.
 */
export function readProductForm(
  body: Record<string, string>,
  options: { currency: string; categoryIds: readonly number[] },
): Validated<ProductFields> {
  const errors: FieldErrors = {}
  const text = (name: string) => (body[name] ?? '').trim()
  const limited = (name: string, label: string, max: number, required = false) => {
    const value = text(name)
    if (required && !value) errors[name] = `Enter the ${label}`
    else if (value.length > max) errors[name] = `The ${label} must be at most ${max} characters`
    return value
  }

  const title = limited('title', 'title', L.title, true)
  const slug = text('slug').toLowerCase()
  if (slug && (!SLUG_PATTERN.test(slug) || slug.length > L.handle)) {
    errors.slug = `The address is lower-case letters, digits and single hyphens, like blue-mug (at most ${L.handle})`
  }
  const descriptionMd = limited('description_md', 'description', L.description)
  const seoTitle = limited('seo_title', 'search-engine title', L.seoTitle)
  const seoDescription = limited('seo_description', 'search-engine description', L.seoDescription)
  const category = text('category_id')
  const categoryId = category === '' ? null : Number(category)
  if (categoryId !== null && !options.categoryIds.includes(categoryId)) {
    errors.category_id = 'Choose a category from the list'
  }
  const taxClass = (text('tax_class') || 'standard') as TaxClass
  if (!TAX_CLASSES.includes(taxClass)) errors.tax_class = 'Choose a tax class from the list'

  const attributes: Record<string, string> = {}
  for (const n of attributeRowNumbers(body)) {
    const name = text(`attr${n}_name`)
    const value = text(`attr${n}_value`)
    if (!name && !value) continue
    if (!name) errors[`attr${n}_name`] = 'Name this attribute, like Material'
    else if (name.length > L.attributeName)
      errors[`attr${n}_name`] = `An attribute name is at most ${L.attributeName} characters`
    else if (name in attributes) errors[`attr${n}_name`] = `${name} is already listed`
    if (!value) errors[`attr${n}_value`] = 'Enter its value, like Stoneware'
    else if (value.length > L.attributeValue)
      errors[`attr${n}_value`] = `A value is at most ${L.attributeValue} characters`
    if (name && value) attributes[name] = value
  }
  if (Object.keys(attributes).length > MAX_ATTRIBUTES) errors.attr0_name = `At most ${MAX_ATTRIBUTES} attributes`

  const optionNames: string[] = []
  for (let i = 1; i <= MAX_OPTIONS; i++) {
    const name = text(`option${i}`)
    if (!name) continue
    if (name.length > L.optionName) errors[`option${i}`] = `An option name is at most ${L.optionName} characters`
    else if (optionNames.some((o) => o.toLowerCase() === name.toLowerCase()))
      errors[`option${i}`] = `${name} is already an option`
    else optionNames.push(name)
  }

  const variants: VariantFields[] = []
  const skus = new Map<string, number>()
  const combinations = new Map<string, number>()
  for (const n of variantRowNumbers(body)) {
    const f = (field: string) => text(`v${n}_${field}`)
    const idText = f('id')
    const id = /^[1-9]\d{0,9}$/.test(idText) ? Number(idText) : null
    const remove = body[`v${n}_remove`] === 'yes'
    const values = [1, 2, 3].map((i) => f(`opt${i}`))
    const empty = !f('sku') && !f('price') && !f('compare') && !f('stock') && values.every((v) => !v)
    if (id === null && (empty || remove)) continue
    const variant: VariantFields = {
      row: n,
      id,
      remove,
      sku: f('sku'),
      options: {},
      price: 0,
      compareAtPrice: null,
      stock: 0,
      trackStock: body[`v${n}_track`] === 'yes',
      allowBackorder: body[`v${n}_backorder`] === 'yes',
    }
    variants.push(variant)
    if (remove) continue
    if (!SKU_PATTERN.test(variant.sku)) {
      errors[`v${n}_sku`] = variant.sku
        ? 'A SKU is up to 64 letters, digits, dots, hyphens or underscores'
        : 'Enter a SKU (the code the shop knows this variant by)'
    } else if (skus.has(variant.sku.toUpperCase())) {
      errors[`v${n}_sku`] = `${variant.sku} is already used by another row`
    } else skus.set(variant.sku.toUpperCase(), n)
    const price = parseMoney(f('price'), options.currency)
    if (price === null) errors[`v${n}_price`] = 'Enter the price as an amount, like 18.00'
    else variant.price = price
    if (f('compare')) {
      const compare = parseMoney(f('compare'), options.currency)
      if (compare === null)
        errors[`v${n}_compare`] = 'Enter the compare-at price as an amount, like 24.00, or leave it empty'
      else if (price !== null && compare <= price)
        errors[`v${n}_compare`] = 'The compare-at price is the higher price it was: more than the price'
      else variant.compareAtPrice = compare
    }
    if (id === null && f('stock')) {
      if (!/^-?\d{1,7}$/.test(f('stock')) || Math.abs(Number(f('stock'))) > L.stock)
        errors[`v${n}_stock`] = 'Enter the stock as a whole number, like 12'
      else if (Number(f('stock')) < 0 && !variant.allowBackorder)
        errors[`v${n}_stock`] = 'Stock below zero needs backorders allowed'
      else variant.stock = Number(f('stock'))
    }
    optionNames.forEach((name, i) => {
      const value = values[i] ?? ''
      if (!value) errors[`v${n}_opt${i + 1}`] = `Enter this variant’s ${name}`
      else if (value.length > L.optionValue)
        errors[`v${n}_opt${i + 1}`] = `An option value is at most ${L.optionValue} characters`
      else variant.options[name] = value
    })
    values.forEach((value, i) => {
      if (value && i >= optionNames.length)
        errors[`v${n}_opt${i + 1}`] = 'Name this option above, or leave the value empty'
    })
    const combination = JSON.stringify(optionNames.map((name) => (variant.options[name] ?? '').toLowerCase()))
    if (combinations.has(combination) && !errors[`v${n}_opt1`]) {
      errors[optionNames.length > 0 ? `v${n}_opt1` : `v${n}_sku`] =
        optionNames.length > 0
          ? 'Another variant has the same options'
          : 'A product without options has one variant: name an option (like Size) to sell several'
    } else combinations.set(combination, n)
  }
  const kept = variants.filter((v) => !v.remove)
  if (kept.length === 0)
    errors.v0_sku = errors.v0_sku ?? 'A product needs at least one variant: give it a SKU and a price'
  if (kept.length > MAX_VARIANTS) errors.v0_sku = `A product has at most ${MAX_VARIANTS} variants`

  if (Object.keys(errors).length > 0) return { ok: false, errors }
  return {
    ok: true,
    value: {
      title,
      slug,
      descriptionMd,
      seoTitle: seoTitle || null,
      seoDescription: seoDescription || null,
      categoryId,
      taxClass,
      featured: body.featured === 'yes',
      attributes,
      optionNames,
      variants,
    },
  }
}
