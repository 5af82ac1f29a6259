import { z } from 'zod'
import type { TaxClass } from '../../db/schema.js'
import { parseMoney } from '../../lib/money.js'

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

/** A yes/no field as text: a CSV cell holds one of these, and the form's ticked boxes are read as them. */
export const YES = 'yes'
export const NO = 'no'

/*
 * Each field's rule, written once: the product form and the CSV import read
 * every field through these, so neither can take what the other refuses.
 * A text field is trimmed and '' when left empty; whether it may be empty
 * is for the whole input to say (a file's later rows leave product fields
 * empty). Invalid values are refined and only then transformed, so the
 * rules over several fields still run, on the values that could be read.
 */

function limitedText(label: string, max: number) {
  return z
    .string()
    .trim()
    .max(max, `The ${label} must be at most ${max.toLocaleString('en')} characters`)
}

/** The product's own texts. */
export const productText = {
  title: limitedText('title', L.title),
  description_md: limitedText('description', L.description),
  seo_title: limitedText('search-engine title', L.seoTitle),
  seo_description: limitedText('search-engine description', L.seoDescription),
}

/** A product's address; `subject` names it as the person knows it there ("The address" on the form, "A handle" in a file). */
export function handleText(subject: string) {
  return z
    .string()
    .trim()
    .toLowerCase()
    .refine(
      (handle) => handle === '' || (SLUG_PATTERN.test(handle) && handle.length <= L.handle),
      `${subject} is lower-case letters, digits and single hyphens, like blue-mug (at most ${L.handle})`,
    )
}

/** A tax class, '' for the standard one; `message` asks in the person's terms (a list on the form, typed in a file). */
export function taxClassText(message: string) {
  return z
    .string()
    .trim()
    .toLowerCase()
    .refine((taxClass) => taxClass === '' || (TAX_CLASSES as readonly string[]).includes(taxClass), message)
}

export const optionNameText = z
  .string()
  .trim()
  .max(L.optionName, `An option name is at most ${L.optionName} characters`)
export const optionValueText = z
  .string()
  .trim()
  .max(L.optionValue, `An option value is at most ${L.optionValue} characters`)

/** Any SKU the shop holds; one it takes for a new variant also matches SKU_PATTERN. */
export const skuText = z
  .string()
  .trim()
  .min(1, 'Enter the variant’s SKU')
  .max(L.sku, `A SKU is at most ${L.sku} characters`)

/** An amount in the shop's currency, as the form and a file write it: 18.00. */
export function priceText(currency: string) {
  return z
    .string()
    .trim()
    .min(1, 'Enter the price, like 18.00')
    .refine(
      (text) => text === '' || parseMoney(text, currency) !== null,
      `Enter the price as an amount in ${currency}, like 18.00`,
    )
    .transform((text) => parseMoney(text, currency) as number)
}

/** The higher price it was, or '' for none. */
export function compareAtText(currency: string) {
  return z
    .string()
    .trim()
    .refine(
      (text) => text === '' || parseMoney(text, currency) !== null,
      `Enter the compare-at price as an amount in ${currency}, like 18.00, or leave it empty`,
    )
    .transform((text) => (text === '' ? null : parseMoney(text, currency)))
}

export const stockText = z
  .string()
  .trim()
  .refine(
    (text) => /^-?\d{1,7}$/.test(text) && Math.abs(Number(text)) <= L.stock,
    'Enter the stock as a whole number, like 12',
  )
  .transform(Number)

export const yesNoText = z
  .string()
  .trim()
  .toLowerCase()
  .refine((text) => text === YES || text === NO, `Enter ${YES} or ${NO}`)
  .transform((text) => text === YES)

/** The price rule every variant keeps, wherever it is entered; null when it keeps it. */
export function compareAtProblem(price: number, compareAtPrice: number | null): string | null {
  return compareAtPrice !== null && compareAtPrice <= price
    ? 'The compare-at price is the higher price it was: more than the price'
    : null
}

/**
 * The stock rule: a counted stock goes below zero only for a variant sold
 * when sold out (an uncounted one never runs out, whatever its number says).
 */
export function stockProblem(stock: number, trackStock: boolean, allowBackorder: boolean): string | null {
  return stock < 0 && trackStock && !allowBackorder ? 'Stock below zero needs backorders allowed' : null
}

/** Which variant the options make it: the same values in another case are the same variant. */
export function optionsKey(names: readonly string[], options: Readonly<Record<string, string>>): string {
  return JSON.stringify(names.map((name) => (options[name] ?? '').toLowerCase()))
}

/** One variant: its SKU, its option values (in the order of the product's option names), price and stock. */
export function variantInput(currency: string) {
  return z
    .object({
      /** An existing variant of the product, or null for a new one. */
      id: z.number().int().positive().nullable(),
      remove: z.literal(false),
      sku: skuText.regex(SKU_PATTERN, 'A SKU is up to 64 letters, digits, dots, hyphens or underscores'),
      options: z.array(z.string().trim()).max(MAX_OPTIONS),
      price: priceText(currency),
      compare_at_price: compareAtText(currency),
      /** The stock a new variant starts with; an existing one's changes through stock adjustments. */
      stock: stockText,
      track_stock: yesNoText,
      allow_backorder: yesNoText,
    })
    .superRefine((v, ctx) => {
      const problem = (path: string, message: string | null) => {
        if (message) ctx.addIssue({ code: 'custom', path: [path], message })
      }
      if (typeof v.price === 'number' && typeof v.compare_at_price !== 'string')
        problem('compare_at_price', compareAtProblem(v.price, v.compare_at_price))
      if (typeof v.stock === 'number' && typeof v.track_stock === 'boolean' && typeof v.allow_backorder === 'boolean')
        problem('stock', stockProblem(v.stock, v.track_stock, v.allow_backorder))
    })
}

/** An existing variant to take off the product. */
const removedVariant = z.object({ id: z.number().int().positive(), remove: z.literal(true) })

/** Attributes as name and value pairs (Material: Stoneware), each name once. */
export const attributesInput = z
  .array(
    z.object({
      name: z
        .string()
        .trim()
        .min(1, 'Name this attribute, like Material')
        .max(L.attributeName, `An attribute name is at most ${L.attributeName} characters`),
      value: z
        .string()
        .trim()
        .min(1, 'Enter its value, like Stoneware')
        .max(L.attributeValue, `An attribute value is at most ${L.attributeValue} characters`),
    }),
  )
  .superRefine((attributes, ctx) => {
    const names = new Set<string>()
    attributes.forEach(({ name, value }, i) => {
      if (name.length <= L.attributeName && names.has(name))
        ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `${name} is already listed` })
      if (name && value) names.add(name)
    })
    if (names.size > MAX_ATTRIBUTES)
      ctx.addIssue({ code: 'custom', path: [], message: `A product has at most ${MAX_ATTRIBUTES} attributes` })
  })
  .transform((attributes) => Object.fromEntries(attributes.map((a) => [a.name, a.value])))

/** The option names given, without the empty, too long or repeated ones: the options the product has. */
function optionNamesOf(slots: readonly string[]): string[] {
  const names: string[] = []
  for (const name of slots) {
    if (name && name.length <= L.optionName && !names.some((o) => o.toLowerCase() === name.toLowerCase()))
      names.push(name)
  }
  return names
}

/**
 * A product with its variants, as staff save it (the product form, and the
 * API later). Whether a SKU or an address is free is the service's to
 * check, against the database; mistakes it finds are keyed the same way
 * (variants.2.sku).
 */
export function productInput(options: { currency: string; categoryIds: readonly number[] }) {
  const chooseCategory = 'Choose a category from the list'
  return z
    .object({
      title: productText.title.min(1, 'Enter the title'),
      /** Empty: made from the title. */
      slug: handleText('The address'),
      description_md: productText.description_md,
      seo_title: productText.seo_title,
      seo_description: productText.seo_description,
      category_id: z
        .number()
        .int()
        .nullable()
        .refine((id) => id === null || options.categoryIds.includes(id), chooseCategory),
      tax_class: taxClassText('Choose a tax class from the list'),
      featured: z.boolean(),
      attributes: attributesInput,
      /** Up to MAX_OPTIONS names; an empty one is no option. */
      option_names: z.array(optionNameText).max(MAX_OPTIONS),
      variants: z.array(z.discriminatedUnion('remove', [removedVariant, variantInput(options.currency)])),
    })
    .superRefine(optionAndVariantRules)
    .transform((p): ProductFields => {
      const optionNames = optionNamesOf(p.option_names)
      return {
        title: p.title,
        slug: p.slug,
        descriptionMd: p.description_md,
        seoTitle: p.seo_title || null,
        seoDescription: p.seo_description || null,
        categoryId: p.category_id,
        taxClass: (p.tax_class || 'standard') as TaxClass,
        featured: p.featured,
        attributes: p.attributes,
        optionNames,
        variants: p.variants.map((v) =>
          v.remove
            ? { ...REMOVED, id: v.id }
            : {
                id: v.id,
                remove: false,
                sku: v.sku,
                options: Object.fromEntries(optionNames.map((name, i) => [name, v.options[i] ?? ''])),
                price: v.price,
                compareAtPrice: v.compare_at_price,
                stock: v.stock,
                trackStock: v.track_stock,
                allowBackorder: v.allow_backorder,
              },
        ),
      }
    })
}

const REMOVED = {
  remove: true,
  sku: '',
  options: {},
  price: 0,
  compareAtPrice: null,
  stock: 0,
  trackStock: false,
  allowBackorder: false,
} as const

type ProductShape = {
  option_names: string[]
  variants: ({ remove: true } | { remove: false; sku: string; options: string[] })[]
}

/** What holds across the product: its option names, each variant's values for them, and its variants' SKUs and count. */
function optionAndVariantRules(p: ProductShape, ctx: z.RefinementCtx) {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message })
  const seen: string[] = []
  p.option_names.forEach((name, i) => {
    if (!name || name.length > L.optionName) return
    if (seen.some((o) => o.toLowerCase() === name.toLowerCase()))
      issue(['option_names', i], `${name} is already an option`)
    else seen.push(name)
  })
  const names = optionNamesOf(p.option_names)
  const skus = new Set<string>()
  const combinations = new Set<string>()
  p.variants.forEach((v, n) => {
    if (v.remove) return
    if (SKU_PATTERN.test(v.sku)) {
      if (skus.has(v.sku.toUpperCase())) issue(['variants', n, 'sku'], `${v.sku} is already used by another row`)
      skus.add(v.sku.toUpperCase())
    }
    const given: Record<string, string> = {}
    let firstValueWrong = false
    v.options.forEach((value, i) => {
      const name = names[i]
      const wrong = (message: string) => {
        issue(['variants', n, 'options', i], message)
        if (i === 0) firstValueWrong = true
      }
      if (name === undefined) {
        if (value) wrong('Name this option above, or leave the value empty')
      } else if (!value) wrong(`Enter this variant’s ${name}`)
      else if (value.length > L.optionValue) wrong(`An option value is at most ${L.optionValue} characters`)
      else given[name] = value
    })
    for (const name of names.slice(v.options.length)) {
      issue(['variants', n, 'options', names.indexOf(name)], `Enter this variant’s ${name}`)
    }
    const key = optionsKey(names, given)
    if (!combinations.has(key)) combinations.add(key)
    else if (firstValueWrong) return
    else if (names.length > 0) issue(['variants', n, 'options', 0], 'Another variant has the same options')
    else
      issue(
        ['variants', n, 'sku'],
        'A product without options has one variant: name an option (like Size) to sell several',
      )
  })
  const kept = p.variants.filter((v) => !v.remove).length
  if (kept === 0) issue(['variants'], 'A product needs at least one variant: give it a SKU and a price')
  if (kept > MAX_VARIANTS) issue(['variants'], `A product has at most ${MAX_VARIANTS} variants`)
}

export interface VariantFields {
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
