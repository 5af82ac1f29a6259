import { z } from 'zod'

/**
 * The storefront's query strings and path segments as Fastify hands them
 * over: each parameter one string, or several when it was sent more than
 * once. What the values mean (a sort that exists, a price) is judged by the
 * pages themselves, which show the listing again with a message.
 */

const many = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
const one = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim())

/** /products and /categories/:slug: filters, sort and page. Tracking and unknown parameters are ignored. */
export const listingQueryInput = z.object({
  category: one,
  min: one,
  max: one,
  in_stock: one,
  option: many,
  sort: one,
  page: one,
})

export type ListingQuery = z.output<typeof listingQueryInput>

/** A product's or a category's slug in the path; an unknown one is the page's own 404. */
const slug = z.string().min(1)

export const categoryPageInput = z.object({ slug, query: listingQueryInput })

/**
 * /products/:slug with the variant chosen in the query (?Size=Large): an
 * option sent twice chooses nothing.
 */
export const productPageInput = z.object({
  slug,
  options: z
    .record(z.string(), z.unknown())
    .transform((query) =>
      Object.fromEntries(
        Object.entries(query).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
      ),
    ),
})

// A parameter sent twice counts once; a page that is not a whole number from 1 is no page at all.
const first = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (Array.isArray(v) ? v[0] : v))

/** /search?q=…&page=…; a page past the results, or no number, is a 404. */
export const searchQueryInput = z.object({
  q: first,
  page: first.pipe(
    z
      .string()
      .regex(/^[1-9]\d{0,5}$/)
      .transform(Number)
      .optional(),
  ),
})

export type SearchQuery = z.output<typeof searchQueryInput>
