import { type Insertable, sql } from 'kysely'
import type { Db } from '../../db/connection.js'
import { startsWith } from '../../db/dialect/prefix-search.js'
import type { AddressesTable, FulfilmentStatus, OrderLinesTable, OrdersTable, PaymentStatus } from '../../db/schema.js'
import { withFields } from '../../lib/objects.js'

export async function selectOrderByCheckoutToken(db: Db, token: string) {
  return db.selectFrom('orders').selectAll().where('checkout_token', '=', token).executeTakeFirst()
}

export async function selectOrderByAccessToken(db: Db, token: string) {
  return db.selectFrom('orders').selectAll().where('access_token', '=', token).executeTakeFirst()
}

export async function selectOrderLines(db: Db, orderId: number) {
  return db.selectFrom('order_lines').selectAll().where('order_id', '=', orderId).orderBy('id').execute()
}

/** What checking out a cart needs of each line: the catalogue as it is at this moment. */
export async function selectCheckoutLines(db: Db, cartId: number) {
  return db
    .selectFrom('cart_lines as l')
    .innerJoin('variants as v', 'v.id', 'l.variant_id')
    .innerJoin('products as p', 'p.id', 'v.product_id')
    .select([
      'l.quantity',
      'v.id as variant_id',
      'v.sku',
      'v.options',
      'v.price',
      'p.id as product_id',
      'p.title',
      'p.status',
      'p.category_id',
      'p.tax_class',
    ])
    .where('l.cart_id', '=', cartId)
    .orderBy('l.id')
    .execute()
}

/**
 * Takes `quantity` of a variant from stock, only if that leaves it at zero
 * or more (or stock is not counted, or backorders are allowed). The check and
 * the change are one statement, so no two checkouts can both take the last
 * unit, in one process or several. True when it took them.
 */
export async function takeStock(db: Db, variantId: number, quantity: number): Promise<boolean> {
  const result = await db
    .updateTable('variants')
    .set({ stock: sql`stock - ${quantity}` })
    .where('id', '=', variantId)
    .where((eb) => eb.or([eb('track_stock', '=', 0), eb('allow_backorder', '=', 1), eb('stock', '>=', quantity)]))
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

export async function selectStock(db: Db, variantId: number): Promise<number> {
  const row = await db.selectFrom('variants').select('stock').where('id', '=', variantId).executeTakeFirst()
  return row?.stock ?? 0
}

/** The next human order number; called inside the write transaction, so no two orders get the same one. */
export async function nextOrderNumber(db: Db): Promise<number> {
  const row = await db
    .selectFrom('orders')
    .select((eb) => eb.fn.max('number').as('last'))
    .executeTakeFirst()
  return Math.max(1000, Number(row?.last ?? 0)) + 1
}

export async function insertOrder(db: Db, order: Insertable<OrdersTable>) {
  return db.insertInto('orders').values(order).returningAll().executeTakeFirstOrThrow()
}

export async function insertOrderLines(db: Db, lines: Insertable<OrderLinesTable>[]) {
  if (lines.length) await db.insertInto('order_lines').values(lines).execute()
}

export async function emptyCart(db: Db, cartId: number): Promise<void> {
  await db.deleteFrom('cart_lines').where('cart_id', '=', cartId).execute()
}

/** Guest orders placed with an address that now belongs to this account join it (the address has just been proven). */
export async function claimGuestOrders(db: Db, userId: number, email: string): Promise<number> {
  const result = await db
    .updateTable('orders')
    .set({ user_id: userId })
    .where('user_id', 'is', null)
    .where('email', '=', email.toLowerCase())
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

export async function countOrdersOfUser(db: Db, userId: number): Promise<number> {
  const row = await db
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirst()
  return Number(row?.n ?? 0)
}

export async function selectOrdersOfUser(db: Db, userId: number, limit: number, offset: number) {
  return db
    .selectFrom('orders')
    .select(['id', 'number', 'placed_at', 'total', 'currency', 'payment_status', 'fulfilment_status', 'cancelled_at'])
    .where('user_id', '=', userId)
    .orderBy('placed_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute()
}

export async function selectOrderOfUser(db: Db, userId: number, number: number) {
  return db
    .selectFrom('orders')
    .selectAll()
    .where('user_id', '=', userId)
    .where('number', '=', number)
    .executeTakeFirst()
}

/** Puts sold units back: only for variants that count their stock. */
export async function returnStock(db: Db, variantId: number, quantity: number): Promise<void> {
  await db
    .updateTable('variants')
    .set({ stock: sql`stock + ${quantity}` })
    .where('id', '=', variantId)
    .where('track_stock', '=', 1)
    .execute()
}

/** What must still hold for a cancellation that is only right for an unpaid order. */
export interface UnpaidGuard {
  /** The provider payment the canceller has closed (null: it saw none); another one opened since stops it. */
  paymentSessionId: string | null
}

/** Marks an order cancelled unless it already is or has been sent (or, guarded, paid meanwhile); true when this call cancelled it. */
export async function markCancelled(db: Db, orderId: number, now: string, unpaid?: UnpaidGuard): Promise<boolean> {
  let query = db
    .updateTable('orders')
    .set({ cancelled_at: now, updated_at: now })
    .where('id', '=', orderId)
    .where('cancelled_at', 'is', null)
    .where('fulfilment_status', '=', 'unfulfilled')
  if (unpaid) {
    query = query
      .where('payment_status', '=', 'pending')
      .where('payment_session_id', unpaid.paymentSessionId === null ? 'is' : '=', unpaid.paymentSessionId)
  }
  const result = await query.executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

export async function selectOrder(db: Db, orderId: number) {
  return db.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirst()
}

/** Bank-transfer orders still unpaid, placed before `before`, at most `limit` of them, oldest first. */
/** Open orders of one payment method still unpaid, placed before `before`, oldest first. */
export async function selectAwaitingPayment(
  db: Db,
  method: string,
  before: string,
  options: { unremindedOnly?: boolean; uncheckedOnly?: boolean; limit: number },
) {
  let query = db
    .selectFrom('orders')
    .select(['id', 'number', 'payment_session_id'])
    .where('payment_status', '=', 'pending')
    .where('payment_method', '=', method)
    .where('placed_at', '<', before)
    .where('cancelled_at', 'is', null)
  if (options.unremindedOnly) query = query.where('payment_reminded_at', 'is', null)
  if (options.uncheckedOnly) query = query.where('payment_checked_at', 'is', null)
  return query.orderBy('placed_at').limit(options.limit).execute()
}

/** Claims the reminder for an order: true for the one process that gets to send it. */
export async function markReminded(db: Db, orderId: number, now: string): Promise<boolean> {
  const result = await db
    .updateTable('orders')
    .set({ payment_reminded_at: now, updated_at: now })
    .where('id', '=', orderId)
    .where('payment_reminded_at', 'is', null)
    .where('cancelled_at', 'is', null)
    .where('payment_status', '=', 'pending')
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/**
 * Marks a pending, not cancelled order paid and gives it the next invoice
 * number; run inside the write transaction, so numbers never repeat or skip.
 * True when this call did it.
 */
export async function markPaidWithInvoice(db: Db, orderId: number, now: string): Promise<boolean> {
  const row = await db
    .selectFrom('orders')
    .select((eb) => eb.fn.max('invoice_number').as('last'))
    .executeTakeFirst()
  const result = await db
    .updateTable('orders')
    .set({ payment_status: 'paid', paid_at: now, invoice_number: Number(row?.last ?? 0) + 1, updated_at: now })
    .where('id', '=', orderId)
    .where('payment_status', '=', 'pending')
    .where('cancelled_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Keeps a customer's delivery address (the same one again only updates its name, phone and when it was used). */
export async function saveAddress(db: Db, address: Omit<Insertable<AddressesTable>, 'id'>): Promise<void> {
  await db
    .insertInto('addresses')
    .values(address)
    .onConflict((oc) =>
      oc.columns(['user_id', 'line1', 'postcode', 'country']).doUpdateSet({
        name: address.name,
        phone: address.phone ?? '',
        line2: address.line2 ?? '',
        city: address.city,
        last_used_at: address.last_used_at,
      }),
    )
    .execute()
}

/** A customer's addresses, most recently used first. */
export async function selectAddressesOfUser(db: Db, userId: number, limit = 5) {
  return db
    .selectFrom('addresses')
    .select(['id', 'name', 'phone', 'line1', 'line2', 'city', 'postcode', 'country'])
    .where('user_id', '=', userId)
    .orderBy('last_used_at', 'desc')
    .limit(limit)
    .execute()
}

export async function insertOrderEvent(
  db: Db,
  event: { order_id: number; kind: string; message: string; actor_user_id?: number | null; at: string },
): Promise<void> {
  await db
    .insertInto('order_events')
    .values({ actor_user_id: null, ...event })
    .execute()
}

/** An order's timeline, oldest first, with who did each thing. */
export async function selectOrderEvents(db: Db, orderId: number) {
  return db
    .selectFrom('order_events')
    .leftJoin('users', 'users.id', 'order_events.actor_user_id')
    .select([
      'order_events.id',
      'order_events.at',
      'order_events.kind',
      'order_events.message',
      'users.name as actor_name',
    ])
    .where('order_events.order_id', '=', orderId)
    .orderBy('order_events.id')
    .execute()
}

export async function selectOrderByNumber(db: Db, number: number) {
  return db.selectFrom('orders').selectAll().where('number', '=', number).executeTakeFirst()
}

/** How many of each line of an order have been sent so far. */
export async function selectSentQuantities(db: Db, orderId: number): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('fulfilment_lines as fl')
    .innerJoin('fulfilments as f', 'f.id', 'fl.fulfilment_id')
    .select(['fl.order_line_id', (eb) => eb.fn.sum<number>('fl.quantity').as('sent')])
    .where('f.order_id', '=', orderId)
    .groupBy('fl.order_line_id')
    .execute()
  return new Map(rows.map((r) => [r.order_line_id, Number(r.sent)]))
}

export async function insertFulfilment(
  db: Db,
  fulfilment: {
    order_id: number
    carrier: string
    tracking_number: string
    created_at: string
    actor_user_id: number | null
  },
  lines: { order_line_id: number; quantity: number }[],
): Promise<number> {
  const row = await db.insertInto('fulfilments').values(fulfilment).returning('id').executeTakeFirstOrThrow()
  await db
    .insertInto('fulfilment_lines')
    .values(lines.map((line) => withFields(line, { fulfilment_id: row.id })))
    .execute()
  return row.id
}

/** Moves the fulfilment status on, only while the order is not cancelled. */
export async function setFulfilmentStatus(
  db: Db,
  orderId: number,
  status: 'partially_fulfilled' | 'fulfilled',
  now: string,
): Promise<boolean> {
  const result = await db
    .updateTable('orders')
    .set({ fulfilment_status: status, updated_at: now })
    .where('id', '=', orderId)
    .where('cancelled_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

export async function selectFulfilments(db: Db, orderId: number) {
  return db.selectFrom('fulfilments').selectAll().where('order_id', '=', orderId).orderBy('id').execute()
}

export async function selectRefunds(db: Db, orderId: number) {
  return db.selectFrom('refunds').selectAll().where('order_id', '=', orderId).orderBy('id').execute()
}

/** The money given back or being given back (failed refunds do not count). */
export async function sumRefunds(db: Db, orderId: number, statuses: ('pending' | 'succeeded')[]): Promise<number> {
  const row = await db
    .selectFrom('refunds')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), eb.lit(0)).as('total'))
    .where('order_id', '=', orderId)
    .where('status', 'in', statuses)
    .executeTakeFirst()
  return Number(row?.total ?? 0)
}

export async function insertRefund(
  db: Db,
  refund: {
    order_id: number
    amount: number
    reason: string
    status: 'pending' | 'succeeded'
    created_at: string
    actor_user_id: number | null
  },
): Promise<number> {
  const row = await db.insertInto('refunds').values(refund).returning('id').executeTakeFirstOrThrow()
  return row.id
}

export async function settleRefund(
  db: Db,
  refundId: number,
  outcome: { status: 'succeeded'; providerRefundId: string } | { status: 'failed'; failure: string },
): Promise<boolean> {
  const result = await db
    .updateTable('refunds')
    .set(
      outcome.status === 'succeeded'
        ? { status: 'succeeded', provider_refund_id: outcome.providerRefundId }
        : { status: 'failed', failure: outcome.failure },
    )
    .where('id', '=', refundId)
    .where('status', '=', 'pending')
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/** Card refunds still pending that were written before `before`, oldest first. */
export async function selectPendingRefunds(db: Db, before: string, limit: number) {
  return db
    .selectFrom('refunds')
    .select(['id', 'order_id', 'amount', 'reason', 'actor_user_id'])
    .where('status', '=', 'pending')
    .where('created_at', '<', before)
    .orderBy('id')
    .limit(limit)
    .execute()
}

export async function setPaymentStatus(
  db: Db,
  orderId: number,
  status: 'paid' | 'partially_refunded' | 'refunded',
  now: string,
): Promise<void> {
  await db.updateTable('orders').set({ payment_status: status, updated_at: now }).where('id', '=', orderId).execute()
}

export async function setPaymentProviderRef(db: Db, orderId: number, ref: string): Promise<void> {
  await db.updateTable('orders').set({ payment_provider_ref: ref }).where('id', '=', orderId).execute()
}

/** What the order list shows of each order, in the order its spreadsheet has them. */
export const ORDER_LIST_COLUMNS = [
  'number',
  'placed_at',
  'name',
  'email',
  'payment_method',
  'payment_status',
  'fulfilment_status',
  'cancelled_at',
  'currency',
  'total',
] as const

/**
 * The order list's rows, newest first: the filters, an id range for the
 * placing dates (see selectIdRange), the order number, email or name
 * prefix, and `limit` rows below the id `before`.
 */
export async function selectOrderList(
  db: Db,
  filter: { q: string; payment: string; fulfilment: string; before: string },
  range: { min: number | null; max: number | null },
  limit: number,
) {
  let query = db.selectFrom('orders').select(['id', ...ORDER_LIST_COLUMNS])
  if (filter.payment) query = query.where('payment_status', '=', filter.payment as PaymentStatus)
  if (filter.fulfilment === 'cancelled') query = query.where('cancelled_at', 'is not', null)
  else if (filter.fulfilment)
    query = query
      .where('fulfilment_status', '=', filter.fulfilment as FulfilmentStatus)
      .where('cancelled_at', 'is', null)
  if (range.min !== null) query = query.where('id', '>=', range.min)
  if (range.max !== null) query = query.where('id', '<=', range.max)
  const q = filter.q
  const number = /^#?\s*(\d{1,9})$/.exec(q)?.[1]
  if (number) query = query.where('number', '=', Number(number))
  else if (q)
    query = query.where(startsWith(db, q, q.includes('@') ? { email: 'email' } : { email: 'email', name: 'name' }))
  if (filter.before) query = query.where('id', '<', Number(filter.before))
  return query.orderBy('id', 'desc').limit(limit).execute()
}

/** The ids of the orders placed from `from` to `to` (whole UTC days), through the placed_at index. */
export async function selectIdRange(
  db: Db,
  from: string,
  to: string,
): Promise<{ min: number | null; max: number | null } | 'none'> {
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
