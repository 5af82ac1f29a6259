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
