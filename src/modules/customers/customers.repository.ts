import type { Db } from '../../db/connection.js'
import { startsWith } from '../../db/dialect/prefix-search.js'

/** Customer accounts newest first, `limit` below the id `before`, by the start of an email or name; with their order count. */
export async function selectCustomers(db: Db, options: { q: string; before: number | null; limit: number }) {
  let query = db
    .selectFrom('users as u')
    .select([
      'u.id',
      'u.name',
      'u.email',
      'u.created_at',
      'u.disabled_at',
      (eb) =>
        eb
          .selectFrom('orders')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('orders.user_id', '=', 'u.id')
          .as('orders'),
    ])
    .where('u.role', '=', 'customer')
  const q = options.q.trim()
  if (q) query = query.where(startsWith(db, q, { email: 'u.email', name: 'u.name' }))
  if (options.before) query = query.where('u.id', '<', options.before)
  return query.orderBy('u.id', 'desc').limit(options.limit).execute()
}

export async function selectCustomer(db: Db, userId: number) {
  return db
    .selectFrom('users')
    .select(['id', 'name', 'email', 'email_verified_at', 'disabled_at', 'created_at', 'last_sign_in_at'])
    .where('id', '=', userId)
    .where('role', '=', 'customer')
    .executeTakeFirst()
}

export async function selectCustomerOrders(db: Db, userId: number, limit: number) {
  return db
    .selectFrom('orders')
    .select(['id', 'number', 'placed_at', 'total', 'currency', 'payment_status', 'fulfilment_status', 'cancelled_at'])
    .where('user_id', '=', userId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()
}

/** What a customer has paid (orders no longer awaiting payment) and what was given back. */
export async function sumCustomerPayments(db: Db, userId: number): Promise<{ paid: number; refunded: number }> {
  const paid = await db
    .selectFrom('orders')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('total'), eb.lit(0)).as('n'))
    .where('user_id', '=', userId)
    .where('payment_status', '!=', 'pending')
    .executeTakeFirstOrThrow()
  const refunded = await db
    .selectFrom('refunds')
    .innerJoin('orders', 'orders.id', 'refunds.order_id')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('refunds.amount'), eb.lit(0)).as('n'))
    .where('orders.user_id', '=', userId)
    .where('refunds.status', '=', 'succeeded')
    .executeTakeFirstOrThrow()
  return { paid: Number(paid.n), refunded: Number(refunded.n) }
}
