import { z } from 'zod'
import type { Db } from '../../db/connection.js'
import { csvLines } from '../../lib/csv.js'
import { decimalAmount } from '../../lib/money.js'
import { withFields } from '../../lib/objects.js'
import { keysetLinks, keysetPage, withFilters } from '../../lib/pagination.js'
import type { Validated } from '../../lib/validation.js'
import { PAYMENT_METHOD_LABELS } from '../payments/payment-methods.js'
import { ORDER_LIST_COLUMNS, selectIdRange, selectOrderList } from './orders.repository.js'

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
export const orderListInput = z
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

export type OrderListFilter = z.output<typeof orderListInput>

export const ORDERS_PER_PAGE = 50

/**
 * One page of the order list, newest first, by keyset (`before` an order id),
 * so page 1,000 is as fast as page 1 at a million orders. Orders are numbered
 * and given ids in the order they are placed, so a date range becomes an id
 * range through the placed_at index, and every filter leads with an index
 * that also gives the order (status + id, number, email, name).
 */
export async function listOrders(db: Db, filter: OrderListFilter) {
  const range = await selectIdRange(db, filter.from, filter.to)
  if (range === 'none') return { orders: [], olderThan: null }
  const page = keysetPage(await selectOrderList(db, filter, range, ORDERS_PER_PAGE + 1), ORDERS_PER_PAGE)
  return { orders: page.items, olderThan: page.olderThan }
}

/**
 * The back office's order list: a page of orders for the filters, with the
 * links to older orders and to the same list as a spreadsheet. Filters that
 * do not check out show their messages (422) and no orders.
 */
export async function orderListPage(db: Db, checked: Validated<OrderListFilter>) {
  const filter = checked.ok ? checked.value : orderListInput.parse({})
  const { orders, olderThan } = checked.ok ? await listOrders(db, filter) : { orders: [], olderThan: null }
  const { q, payment, fulfilment, from, to } = filter
  const filters = { q, payment, fulfilment, from, to }
  const data = {
    title: 'Orders',
    errors: checked.ok ? {} : checked.errors,
    orders,
    paymentLabels: PAYMENT_METHOD_LABELS,
    csvHref: withFilters('/admin/orders.csv', filters),
    ...keysetLinks('/admin/orders', filters, olderThan, filter.before),
  }
  return { kind: 'page' as const, httpStatus: checked.ok ? 200 : 422, ...data }
}

/** The list as a spreadsheet: exactly the orders the same filters show, read in keyset pages as it is sent. */
export async function orderListCsv(db: Db, filter: OrderListFilter): Promise<AsyncGenerator<string>> {
  const range = await selectIdRange(db, filter.from, filter.to)
  return csvLines(
    ORDER_LIST_COLUMNS,
    (before, batch) =>
      range === 'none'
        ? Promise.resolve([])
        : selectOrderList(
            db,
            withFields(filter, { before: before === null ? filter.before : String(before) }),
            range,
            batch,
          ),
    (o) => ORDER_LIST_COLUMNS.map((column) => (column === 'total' ? decimalAmount(o.total, o.currency) : o[column])),
  )
}
