import { type Db, inTransaction } from '../../db/connection.js'
import { startsWith } from '../../db/prefix-search.js'
import { keysetPage } from '../../lib/pagination.js'
import { nowIso } from '../../lib/time.js'
import { updateUser } from '../accounts/users.repository.js'
import { logActivity } from '../activity/activity.service.js'
import type { Actor } from '../orders/order-admin.service.js'
import { deleteUserSessions } from '../sessions/session.repository.js'

export const CUSTOMERS_PER_PAGE = 50

/**
 * Customer accounts, newest first, by keyset (`before` a user id); `q` finds
 * the start of an email address or a name. Each with their order count.
 */
export async function listCustomers(db: Db, options: { q: string; before: number | null }) {
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
  if (q) query = query.where(startsWith(q, { email: 'u.email', name: 'u.name' }))
  if (options.before) query = query.where('u.id', '<', options.before)
  const rows = await query
    .orderBy('u.id', 'desc')
    .limit(CUSTOMERS_PER_PAGE + 1)
    .execute()
  const page = keysetPage(rows, CUSTOMERS_PER_PAGE)
  return { customers: page.items, olderThan: page.olderThan }
}

/** A customer with their orders (newest first) and what they have spent: paid orders, less refunds. */
export async function customerPage(db: Db, userId: number) {
  const customer = await db
    .selectFrom('users')
    .select(['id', 'name', 'email', 'email_verified_at', 'disabled_at', 'created_at', 'last_sign_in_at'])
    .where('id', '=', userId)
    .where('role', '=', 'customer')
    .executeTakeFirst()
  if (!customer) return null
  const orders = await db
    .selectFrom('orders')
    .select(['id', 'number', 'placed_at', 'total', 'currency', 'payment_status', 'fulfilment_status', 'cancelled_at'])
    .where('user_id', '=', userId)
    .orderBy('id', 'desc')
    .limit(100)
    .execute()
  const spent = await db
    .selectFrom('orders')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('total'), eb.lit(0)).as('paid'))
    .where('user_id', '=', userId)
    .where('payment_status', '!=', 'pending')
    .executeTakeFirstOrThrow()
  const refunded = await db
    .selectFrom('refunds')
    .innerJoin('orders', 'orders.id', 'refunds.order_id')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('refunds.amount'), eb.lit(0)).as('amount'))
    .where('orders.user_id', '=', userId)
    .where('refunds.status', '=', 'succeeded')
    .executeTakeFirstOrThrow()
  return { customer, orders, spent: Number(spent.paid) - Number(refunded.amount) }
}

export type AccessResult = { kind: 'done' } | { kind: 'missing' } | { kind: 'refused'; message: string }

/**
 * Disables a customer's account or enables it again. Disabling ends every
 * session of theirs at once (the next request is signed out) and stops
 * sign-in and password resets; orders stay as they are.
 */
export async function setCustomerAccess(db: Db, userId: number, actor: Actor, enabled: boolean): Promise<AccessResult> {
  return inTransaction(db, async (trx) => {
    const found = await customerPage(trx, userId)
    if (!found) return { kind: 'missing' } as const
    const { customer } = found
    if (enabled === !customer.disabled_at) {
      return {
        kind: 'refused',
        message: `${customer.name}’s account is already ${enabled ? 'enabled' : 'disabled'}.`,
      } as const
    }
    const now = nowIso()
    await updateUser(trx, customer.id, { disabled_at: enabled ? null : now, updated_at: now })
    if (!enabled) await deleteUserSessions(trx, customer.id)
    await logActivity(trx, {
      actorUserId: actor.id,
      action: enabled ? 'customer.enabled' : 'customer.disabled',
      subject: { type: 'customer', id: customer.id },
      summary: `${enabled ? 'Enabled' : 'Disabled'} the account of ${customer.name} (${customer.email})`,
      changes: { account: [enabled ? 'disabled' : 'enabled', enabled ? 'enabled' : 'disabled'] },
    })
    return { kind: 'done' } as const
  })
}
