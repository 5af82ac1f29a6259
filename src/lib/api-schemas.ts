import { z } from 'zod'

/**
 * The pieces every API route's schema is made of, so the OpenAPI document
 * says the same thing the same way everywhere: problems, lists, cursors.
 */

/** RFC 9457 problem details; `errors` names each field that needs correcting. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z
      .record(z.string(), z.string())
      .optional()
      .describe('Field name (a dotted path) → what is wrong with it, written for a person.'),
  })
  .meta({ id: 'Problem', description: 'An error, as RFC 9457 problem details.' })

const problemContent = { 'application/problem+json': { schema: problemSchema } }

/** Every route may answer with a problem: these are added to each route's responses. */
export const problemResponses = {
  '4xx': { description: 'The request was refused; the problem says why.', content: problemContent },
  '5xx': { description: 'The shop could not answer; try again later.', content: problemContent },
}

/** A list: `{ data: [...], next_cursor }`; next_cursor is null on the last page. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    next_cursor: z
      .string()
      .nullable()
      .describe('Send it back as `cursor` for the next page; null when this is the last page.'),
  })
}

/** A list's paging query: up to 100 a page (25 unless asked), from an opaque cursor a previous page gave. */
export const pageQuery = {
  limit: z.coerce
    .number({ error: 'Send limit as a whole number from 1 to 100' })
    .int('Send limit as a whole number from 1 to 100')
    .min(1, 'Send limit as a whole number from 1 to 100')
    .max(100, 'Send limit as a whole number from 1 to 100')
    .default(25),
  cursor: z.string().max(500, 'This cursor is not one this API gave').optional(),
}

/**
 * An answer with no body (204, 304), as the document shows it: a response
 * without content. (@fastify/swagger leaves content out for a `null` schema;
 * an empty `content` object makes it fail.)
 */
export function noBody(description: string) {
  return z.null().describe(description)
}
