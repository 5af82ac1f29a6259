import { z } from 'zod'
import type { Db } from '../../db/connection.js'
import { pageQuery } from '../../lib/api-schemas.js'
import type { CursorPosition } from '../../lib/cursor.js'
import { MAX_ID } from '../../lib/ids.js'
import { type Failure, missing } from '../../lib/outcomes.js'
import { nowIso } from '../../lib/time.js'
import type { ChangeActor } from '../activity/activity.service.js'
import type { Payments } from '../payments/payments.js'
import { fulfilOrder } from './fulfilment.js'
import { cancellationInput, carrierOfTracking, parcelFields, parcelQuantity, refundInput } from './order-admin.forms.js'
import { cancelByStaff } from './order-admin.service.js'
import { type OrderJson, orderJsonOf, orderJsonsOf } from './orders.api.js'
import { selectOrderByNumber } from './orders.repository.js'
import { type OrderFeedKeyset, selectOrderFeed } from './orders-api.repository.js'
import { refundOrder } from './refunds.js'

/**
 * Orders for outside services (an accounting tool, a warehouse): the list,
 * one order, and the changes staff make in the back office — a parcel, a
 * refund, a cancellation — through the same services and rules.
 *
 * The list has two orders, and its cursor is a keyset of the one asked for,
 * so paging never skips or repeats an order while orders are placed:
 * - `sort=newest` (the default): by id, newest first. An order placed while
 *   a client pages has a higher id than any it has seen, so it comes before
 *   page one, never into a later page. For looking through orders.
 * - `sort=updated`: by (updated_at, id), the oldest change first. For
 *   keeping a copy: page to the end, keep the last next_cursor, and ask with
 *   it later for the orders changed since — each change once, in order. An
 *   order changed again moves to the end of the list and is listed again
 *   there, with its new state. In this order next_cursor is null only on a
 *   page with no orders: a page of a few is not the end, since changes keep
 *   coming; the cursor that gave the empty page is the one to keep.
 *   A change is listed once it is CHANGES_SETTLE_MS old: a change's time is
 *   taken inside its transaction, and with several processes (PostgreSQL) a
 *   transaction that took its time earlier can commit after one that took a
 *   later time. Had the later one been listed, and a client's cursor passed
 *   it, the earlier one would be skipped for good; waiting a few seconds
 *   lets every transaction that took an earlier time commit first.
 */

/** How old a change must be before the `updated` list shows it: far longer than any of the shop's order transactions. */
export const CHANGES_SETTLE_MS = 5_000

const ORDER_SORTS = ['newest', 'updated'] as const

const isoDateTime = z.iso.datetime({ offset: true })
const isoDate = z.iso.date()

/** A point in time as a query string sends it: ISO 8601 with its offset (or a date, meaning its start in UTC), kept in UTC as stored. */
function since(name: string) {
  return z
    .string()
    .refine(
      (text) => isoDateTime.safeParse(text).success || isoDate.safeParse(text).success,
      `Send ${name} as an ISO 8601 time with its offset, like 2026-12-08T09:30:00Z, or a date, like 2026-12-08`,
    )
    .transform((text) => new Date(text).toISOString())
}

export const adminOrderListQuery = z.strictObject({
  ...pageQuery,
  sort: z
    .enum(ORDER_SORTS, { error: 'Send sort as newest or updated' })
    .default('newest')
    .describe(
      `newest: the newest order first. updated: the oldest change first, to keep a copy in step: next_cursor is then null only on an empty page, so keep the last one and ask with it later for what changed since; a change is listed ${CHANGES_SETTLE_MS / 1000} seconds after it is made.`,
    ),
  status: z.enum(['open', 'cancelled'], { error: 'Send status as open or cancelled' }).optional(),
  payment_status: z
    .enum(['pending', 'paid', 'partially_refunded', 'refunded'], {
      error: 'Send payment_status as pending, paid, partially_refunded or refunded',
    })
    .optional(),
  fulfilment_status: z
    .enum(['unfulfilled', 'partially_fulfilled', 'fulfilled'], {
      error: 'Send fulfilment_status as unfulfilled, partially_fulfilled or fulfilled',
    })
    .optional(),
  created_since: since('created_since')
    .optional()
    .describe('Orders placed at or after this time: ISO 8601 with an offset, or a date (its start in UTC).'),
  updated_since: since('updated_since')
    .optional()
    .describe('Orders changed at or after this time: ISO 8601 with an offset, or a date (its start in UTC).'),
})

export type AdminOrderListQuery = z.output<typeof adminOrderListQuery>

export const orderNumberParams = z.object({
  number: z.string().describe('The order’s number, like 1001.'),
})

const MORE_THAN_NOTHING = 'Send at least 1, or leave the line out'

/** A parcel: the fulfilment form's rules, in JSON. */
export const apiFulfilmentBody = z
  .strictObject({
    lines: z
      .array(
        z.strictObject({
          line_id: z
            .number({ error: 'Send the id of one of the order’s lines' })
            .int('Send the id of one of the order’s lines')
            .min(1, 'Send the id of one of the order’s lines')
            .max(MAX_ID, 'Send the id of one of the order’s lines'),
          quantity: parcelQuantity().min(1, MORE_THAN_NOTHING),
        }),
        { error: 'Send lines as a list of {"line_id", "quantity"}' },
      )
      .min(1, 'Send at least one line, or leave lines out to send everything left to send')
      .max(500, 'An order has fewer lines than that')
      .refine((lines) => new Set(lines.map((line) => line.line_id)).size === lines.length, 'Send each line once')
      .optional()
      .describe('What goes in the parcel; left out, everything still to send.'),
    carrier: parcelFields.carrier,
    tracking_number: parcelFields.tracking,
  })
  .refine((v) => carrierOfTracking.holds(v.carrier, v.tracking_number), carrierOfTracking.error)

const REFUND_AMOUNT = 'Send the amount in minor units, as a whole number above 0: 1250 is 12.50'

/** A refund: the refund form's rules, with the amount in minor units. */
export const apiRefundBody = z.strictObject({
  amount: z
    .number({ error: REFUND_AMOUNT })
    .int(REFUND_AMOUNT)
    .positive(REFUND_AMOUNT)
    .describe('In minor units of the order’s currency; at most what is left of the payment.'),
  reason: refundInput.shape.reason,
})

/** A cancellation: the cancellation form's rules. The stock always goes back on sale, as from the back office. */
export const apiCancellationBody = z.strictObject(cancellationInput.shape)

type OrderAnswer = { kind: 'order'; order: OrderJson }
type BadCursor = { kind: 'bad_cursor'; message: string }

/** A page of the list: the orders as the API shows them, and where the next page starts. */
export async function adminOrderPage(
  db: Db,
  query: AdminOrderListQuery,
  position: CursorPosition | null,
): Promise<{ kind: 'page'; data: OrderJson[]; next: CursorPosition | null } | BadCursor> {
  const keyset = keysetOf(query.sort, position)
  if (!keyset) {
    return {
      kind: 'bad_cursor',
      message: `This cursor is not one of the list with sort=${query.sort}: send the sort it came with, or start again from the first page.`,
    }
  }
  const filter = {
    status: query.status,
    paymentStatus: query.payment_status,
    fulfilmentStatus: query.fulfilment_status,
    placedSince: query.created_since,
    updatedSince: query.updated_since,
  }
  if (keyset.sort === 'newest') {
    const rows = await selectOrderFeed(db, filter, keyset, query.limit + 1)
    const page = rows.slice(0, query.limit)
    const last = page.at(-1)
    const next = rows.length > query.limit && last ? { sort: 'newest', id: last.id } : null
    return { kind: 'page', data: await orderJsonsOf(db, page), next }
  }
  const rows = await selectOrderFeed(db, filter, keyset, query.limit)
  const last = rows.at(-1)
  return {
    kind: 'page',
    data: await orderJsonsOf(db, rows),
    next: last ? { sort: 'updated', at: last.updated_at, id: last.id } : null,
  }
}

/** Where a cursor says the page starts; null for a cursor of another list or order. */
function keysetOf(sort: (typeof ORDER_SORTS)[number], position: CursorPosition | null): OrderFeedKeyset | null {
  if (sort === 'newest') {
    if (position === null) return { sort, beforeId: null }
    return position.sort === sort && isId(position.id) ? { sort, beforeId: position.id } : null
  }
  const until = new Date(Date.parse(nowIso()) - CHANGES_SETTLE_MS).toISOString()
  if (position === null) return { sort, after: null, until }
  const { at, id } = position
  if (position.sort !== sort || typeof at !== 'string' || !isoDateTime.safeParse(at).success || !isId(id)) return null
  return { sort, after: { at, id }, until }
}

function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= MAX_ID
}

/** One order as the API shows it. */
export async function adminOrder(db: Db, number: number): Promise<OrderAnswer | Failure> {
  const order = await selectOrderByNumber(db, number)
  return order ? { kind: 'order', order: await orderJsonOf(db, order) } : missing
}

/**
 * A parcel sent through the API: the back office's fulfilment with the
 * lines by id (or everything left to send), answered with the order. A
 * line's message is given under the field it is about, `lines.<index>.quantity`.
 */
export async function fulfilThroughApi(
  db: Db,
  number: number,
  actor: ChangeActor,
  body: z.output<typeof apiFulfilmentBody>,
  baseUrl: string,
): Promise<OrderAnswer | Failure> {
  const quantities = body.lines ? new Map(body.lines.map((line) => [line.line_id, line.quantity])) : ('rest' as const)
  const result = await fulfilOrder(
    db,
    number,
    actor,
    { carrier: body.carrier, tracking: body.tracking_number, quantities },
    baseUrl,
  )
  if (result.kind === 'invalid') {
    const fieldOf = (key: string) => {
      const index = body.lines?.findIndex((line) => `line-${line.line_id}` === key) ?? -1
      return index >= 0 ? `lines.${index}.quantity` : key
    }
    return {
      kind: 'invalid',
      errors: Object.fromEntries(Object.entries(result.errors).map(([k, m]) => [fieldOf(k), m])),
    }
  }
  return result.kind === 'fulfilled' ? adminOrder(db, number) : result
}

/** A refund through the API (by Stripe for a card order, else recorded as given back by hand), answered with the order. */
export async function refundThroughApi(
  db: Db,
  payments: Payments,
  number: number,
  actor: ChangeActor,
  body: z.output<typeof apiRefundBody>,
): Promise<OrderAnswer | Failure> {
  const result = await refundOrder(db, payments, number, actor, body)
  return result.kind === 'refunded' ? adminOrder(db, number) : result
}

/** A cancellation through the API, answered with the order. */
export async function cancelThroughApi(
  db: Db,
  number: number,
  actor: ChangeActor,
  body: z.output<typeof apiCancellationBody>,
  baseUrl: string,
): Promise<OrderAnswer | Failure> {
  const result = await cancelByStaff(db, number, actor, body.reason, baseUrl)
  return result.kind === 'cancelled' ? adminOrder(db, number) : result
}
