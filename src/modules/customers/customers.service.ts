import { type Db, inTransaction } from '../../db/connection.js'
import { keysetPage } from '../../lib/pagination.js'
import { nowIso } from '../../lib/time.js'
import { updateUser } from '../accounts/users.repository.js'
import type { Actor } from '../activity/activity.service.js'
import { logActivity } from '../activity/activity.service.js'
import { deleteUserSessions } from '../sessions/session.repository.js'
import { selectCustomer, selectCustomerOrders, selectCustomers, sumCustomerPayments } from './customers.repository.js'

export const CUSTOMERS_PER_PAGE = 50

/**
 * Customer accounts, newest first, by keyset (`before` a user id); `q` finds
 * the start of an email address or a name. Each with their order count.
 */
export async function listCustomers(db: Db, options: { q: string; before: number | null }) {
  const page = keysetPage(await selectCustomers(db, { ...options, limit: CUSTOMERS_PER_PAGE + 1 }), CUSTOMERS_PER_PAGE)
  return { customers: page.items, olderThan: page.olderThan }
}

/** A customer with their orders (newest first) and what they have spent: paid orders, less refunds. */
export async function customerPage(db: Db, userId: number) {
  const customer = await selectCustomer(db, userId)
  if (!customer) return null
  const [orders, payments] = await Promise.all([selectCustomerOrders(db, userId, 100), sumCustomerPayments(db, userId)])
  return { customer, orders, spent: payments.paid - payments.refunded }
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
