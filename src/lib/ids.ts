import type { FastifyRequest } from 'fastify'
import { z } from 'zod'

/**
 * The largest id or order number a row can have: PostgreSQL's `integer`,
 * the type of every id column there (SQLite's ids never come near it).
 */
export const MAX_ID = 2_147_483_647

/**
 * A row's id or an order's number as a URL writes it: a positive whole
 * number up to MAX_ID in plain digits, or 0, which no row has, for anything
 * else. A mistyped or made-up id is then a plain 404 and never reaches the
 * database as something it cannot compare: on PostgreSQL a number past
 * `integer` is an error, not "no such row".
 */
export function parseId(text: string | undefined): number {
  if (text === undefined || !/^[1-9]\d{0,9}$/.test(text)) return 0
  const id = Number(text)
  return id <= MAX_ID ? id : 0
}

/** Routes with a row's id in the path, `/admin/products/:id`. */
export type IdParams = { Params: { id: string } }

/** The `:id` of such a route (0 when it is not one: see parseId). */
export function idOf(request: FastifyRequest<IdParams>): number {
  return parseId(request.params.id)
}

/**
 * An id as a form or query string sends it (a list's `before=` cursor, a
 * person chosen from a list): a valid one, or '' for none. Kept as text, as
 * the links built from it need it.
 */
export function optionalIdText(message?: string) {
  return z
    .union([z.literal(''), z.string().refine((text) => parseId(text) > 0, message ? { message } : undefined)])
    .default('')
}
