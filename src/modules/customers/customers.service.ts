import { type Db, inTransaction } from '../../db/connection.js'
import { csvLines } from '../../lib/csv.js'
import { keysetList } from '../../lib/keyset-list.js'
import { withFields } from '../../lib/objects.js'
import { type Missing, missing, type Refused, refused } from '../../lib/outcomes.js'
import { withFilters } from '../../lib/pagination.js'
import { nowIso } from '../../lib/time.js'
import type { Validated } from '../../lib/validation.js'
import { updateUser } from '../accounts/users.repository.js'
import type { Actor } from '../activity/activity.service.js'
import { logActivity } from '../activity/activity.service.js'
import { revokeCustomerTokens } from '../api-access/api-access.service.js'
import { orderStatusText } from '../dashboard/dashboard.service.js'
import { deleteUserSessions } from '../sessions/session.repository.js'
import { utcDay, utcMinute } from '../settings/formats.js'
import { type CustomerFilter, customerFilterInput } from './customers.forms.js'
import { selectCustomer, selectCustomerOrders, selectCustomers, sumCustomerPayments } from './customers.repository.js'

export const CUSTOMERS_PER_PAGE = 50

const cursor = (before: string) => (before ? Number(before) : null)

/**
 * Customer accounts, newest first, by keyset (`before` a user id); `q` finds
 * the start of an email address or a name. Each with their order count. A
 * search the query string got wrong is answered 422 with its message and no rows.
 */
export async function customersPage(db: Db, checked: Validated<CustomerFilter>) {
  const { items, filter, page } = await keysetList(checked, {
    none: customerFilterInput.parse({}),
    path: '/admin/customers',
    perPage: CUSTOMERS_PER_PAGE,
    kept: (filter) => ({ q: filter.q }),
    fetch: (filter, rows) => selectCustomers(db, { q: filter.q, before: rows.beforeId ?? null, limit: rows.limit }),
  })
  return {
    kind: 'page' as const,
    title: 'Customers',
    ...page,
    customers: items.map((c) => withFields(c, { account: c.disabled_at ? 'disabled' : 'active' })),
    csvHref: withFilters('/admin/customers.csv', { q: filter.q }),
  }
}

/** The list as a spreadsheet: exactly the customers the same search shows, in keyset pages. */
export function customersCsv(db: Db, filter: CustomerFilter): AsyncGenerator<string> {
  return csvLines(
    ['id', 'name', 'email', 'joined', 'orders', 'disabled_at'],
    (before, batch) => selectCustomers(db, { q: filter.q, before: before ?? cursor(filter.before), limit: batch }),
    (c) => [c.id, c.name, c.email, c.created_at, Number(c.orders), c.disabled_at],
  )
}

/** A customer with their orders (newest first) and what they have spent: paid orders, less refunds. */
async function findCustomer(db: Db, userId: number) {
  const customer = await selectCustomer(db, userId)
  if (!customer) return null
  const [orders, payments] = await Promise.all([selectCustomerOrders(db, userId, 100), sumCustomerPayments(db, userId)])
  return { customer, orders, spent: payments.paid - payments.refunded }
}

/** A customer's page: their account, what they spent, and their orders with where each stands. */
export async function customerPage(db: Db, userId: number) {
  const found = await findCustomer(db, userId)
  if (!found) return missing
  const { customer } = found
  return {
    kind: 'page' as const,
    title: customer.name,
    customer,
    emailNote: customer.email_verified_at ? '' : ' (not confirmed)',
    lastSignedIn: customer.last_sign_in_at ? `${utcMinute(customer.last_sign_in_at)} UTC` : 'never',
    account: customer.disabled_at ? `disabled since ${utcDay(customer.disabled_at)}` : 'active',
    spent: found.spent,
    orders: found.orders.map((o) => withFields(o, { status: orderStatusText(o) })),
  }
}

/** Asking before an account is disabled, saying what it does. */
export async function customerDisablementPage(db: Db, userId: number) {
  const found = await findCustomer(db, userId)
  if (!found) return missing
  const count = found.orders.length
  return {
    kind: 'page' as const,
    title: `Disable ${found.customer.name}`,
    customer: found.customer,
    ordersStay: `${count} ${count === 1 ? 'order stays' : 'orders stay'}`,
  }
}

/**
 * Disables a customer's account or enables it again. Disabling ends every
 * session of theirs at once (the next request is signed out), signs out every
 * app of theirs (its API token is revoked) and stops sign-in and password
 * resets; orders stay as they are.
 */
export async function setCustomerAccess(
  db: Db,
  userId: number,
  actor: Actor,
  enabled: boolean,
): Promise<{ kind: 'done' } | Missing | Refused> {
  return inTransaction(db, async (trx) => {
    const customer = await selectCustomer(trx, userId)
    if (!customer) return missing
    if (enabled === !customer.disabled_at) {
      return refused(`${customer.name}’s account is already ${enabled ? 'enabled' : 'disabled'}.`)
    }
    const now = nowIso()
    await updateUser(trx, customer.id, { disabled_at: enabled ? null : now, updated_at: now })
    if (!enabled) {
      await deleteUserSessions(trx, customer.id)
      // Revoked, not only refused while disabled: enabling the account again does not bring the apps back in.
      await revokeCustomerTokens(trx, customer.id)
    }
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
