import { z } from 'zod'
import type { Db } from '../../db/connection.js'
import { startsWith } from '../../db/prefix-search.js'
import { keysetPage } from '../../lib/pagination.js'

const date = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter a date like 2026-12-01')
  .refine(
    (v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v),
    {
      message: 'Enter a real date, like 2026-12-01',
    },
  )

/** The order list's filters, from its GET form; empty fields mean "any". */
export const orderListFilter = z
  .object({
    q: z.string().trim().max(100, 'Search for at most 100 characters').default(''),
    payment: z.enum(['', 'pending', 'paid', 'partially_refunded', 'refunded']).default(''),
    fulfilment: z.enum(['', 'unfulfilled', 'partially_fulfilled', 'fulfilled', 'cancelled']).default(''),
    from: z.union([z.literal(''), date]).default(''),
    to: z.union([z.literal(''), date]).default(''),
    before: z.union([z.literal(''), z.string().regex(/^[1-9]\d{0,11}$/)]).default(''),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, {
    message: 'The end date must not be before the start date',
    path: ['to'],
  })

export type OrderListFilter = z.output<typeof orderListFilter>

export const ORDERS_PER_PAGE = 50

/**
 * One page of the order list, newest first, by keyset (`before` an order id),
 * so page 1,000 is as fast as page 1 at a million orders. Orders are numbered
 * and given ids in the order they are placed, so a date range becomes an id
 * range through the placed_at index, and every filter leads with an index
 * that also gives the order (status + id, number, email, name).
 */
export async function listOrders(db: Db, filter: OrderListFilter) {
  let query = db
    .selectFrom('orders')
    .select([
      'id',
      'number',
      'placed_at',
      'name',
      'email',
      'payment_method',
      'payment_status',
      'fulfilment_status',
      'cancelled_at',
      'total',
      'currency',
    ])
  if (filter.payment) query = query.where('payment_status', '=', filter.payment)
  if (filter.fulfilment === 'cancelled') query = query.where('cancelled_at', 'is not', null)
  else if (filter.fulfilment)
    query = query.where('fulfilment_status', '=', filter.fulfilment).where('cancelled_at', 'is', null)
  const range = await idRange(db, filter.from, filter.to)
  if (range === 'none') return { orders: [], olderThan: null }
  if (range.min !== null) query = query.where('id', '>=', range.min)
  if (range.max !== null) query = query.where('id', '<=', range.max)
  const q = filter.q
  const number = /^#?\s*(\d{1,9})$/.exec(q)?.[1]
  if (number) query = query.where('number', '=', Number(number))
  else if (q)
    query = query.where(startsWith(q, q.includes('@') ? { email: 'email' } : { email: 'email', name: 'name' }))
  if (filter.before) query = query.where('id', '<', Number(filter.before))
  const rows = await query
    .orderBy('id', 'desc')
    .limit(ORDERS_PER_PAGE + 1)
    .execute()
  const page = keysetPage(rows, ORDERS_PER_PAGE)
  return { orders: page.items, olderThan: page.olderThan }
}

/** The ids of the orders placed from `from` to `to` (whole UTC days), through the placed_at index. */
async function idRange(db: Db, from: string, to: string): Promise<{ min: number | null; max: number | null } | 'none'> {
  let min: number | null = null
  let max: number | null = null
  if (from) {
    const first = await db
      .selectFrom('orders')
      .select('id')
      .where('placed_at', '>=', `${from}T00:00:00.000Z`)
      .orderBy('placed_at')
      .limit(1)
      .executeTakeFirst()
    if (!first) return 'none'
    min = first.id
  }
  if (to) {
    const end = new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString()
    const last = await db
      .selectFrom('orders')
      .select('id')
      .where('placed_at', '<', end)
      .orderBy('placed_at', 'desc')
      .limit(1)
      .executeTakeFirst()
    if (!last) return 'none'
    max = last.id
  }
  return { min, max }
}
