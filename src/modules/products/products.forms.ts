import { z } from 'zod'
import type { TaxClass } from '../../db/schema.js'
import {
  compareAtProblem,
  compareAtText,
  handleText,
  MAX_ATTRIBUTES,
  MAX_OPTIONS,
  MAX_VARIANTS,
  optionNameText,
  optionsKey,
  optionValueText,
  PRODUCT_LIMITS,
  priceText,
  productText,
  SKU_PATTERN,
  skuText,
  stockProblem,
  stockText,
  taxClassText,
  yesNoText,
} from './product-rules.js'

const L = PRODUCT_LIMITS

/*
 * The product's inputs: one variant, a whole product with its variants (the
 * product form, and the API later), and the product list's filters. The CSV
 * import reads a variant's cells through variantInput's own fields and a
 * product's through the same rules (product-rules.ts).
 */

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
      const length = optionValueText.safeParse(value)
      if (name === undefined) {
        if (value) wrong('Name this option above, or leave the value empty')
      } else if (!value) wrong(`Enter this variant’s ${name}`)
      else if (!length.success) wrong(length.error.issues[0]?.message ?? '')
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

/** The product list's filters, from its GET form; empty fields mean "any". */
export const productListInput = z.object({
  q: z.string().trim().max(100, 'Search for at most 100 characters').default(''),
  status: z.enum(['', 'draft', 'active', 'archived'], { error: 'Choose a status from the list' }).default(''),
  category: z.union([z.literal(''), z.string().regex(/^[1-9]\d{0,9}$/, 'Choose a category from the list')]).default(''),
  stock: z.enum(['', 'in', 'out', 'low'], { error: 'Choose a stock state from the list' }).default(''),
  sort: z
    .enum(['newest', 'updated', 'title', 'price_asc', 'price_desc'], { error: 'Choose an order from the list' })
    .default('newest'),
  page: z.union([z.literal(''), z.string().regex(/^[1-9]\d{0,5}$/, 'That page does not exist')]).default(''),
})

export type ProductListFilter = z.output<typeof productListInput>
