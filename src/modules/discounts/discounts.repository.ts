import type { Expression, Insertable, SqlBool, Updateable } from 'kysely'
import type { Db } from '../../db/connection.js'
import type { DiscountCodesTable } from '../../db/schema.js'

export async function selectDiscountByCode(db: Db, code: string) {
  return db.selectFrom('discount_codes').selectAll().where('code', '=', code.trim().toUpperCase()).executeTakeFirst()
}

export async function insertDiscountCode(db: Db, row: Insertable<DiscountCodesTable>) {
  return db.insertInto('discount_codes').values(row).returningAll().executeTakeFirstOrThrow()
}

/**
 * The orders on which this customer has used the code. A customer is their
 * account and their email addresses together, so checking out the other way
 * does not start the count again: a guest order with the account's address
 * counts for the account, and the account's orders (whatever address they
 * were sent to) count for a guest who gives its address. `emails` come
 * normalised; orders are lower-cased here in case an older one was not.
 */
export async function countCustomerUses(
  db: Db,
  discountId: number,
  customer: { userId: number | null; emails: readonly string[] },
): Promise<number> {
  const emails = [...new Set(customer.emails)]
  const row = await db
    .selectFrom('discount_uses as u')
    .innerJoin('orders as o', 'o.id', 'u.order_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('u.discount_id', '=', discountId)
    .where((eb) => {
      const orderEmail = eb.fn<string>('lower', ['o.email'])
      const same: Expression<SqlBool>[] = []
      if (customer.userId !== null) {
        same.push(
          eb('u.customer_key', '=', `user:${customer.userId}`),
          eb('o.user_id', '=', customer.userId),
          eb(orderEmail, 'in', eb.selectFrom('users').select('email').where('id', '=', customer.userId)),
        )
      }
      if (emails.length > 0) {
        same.push(
          eb(
            'u.customer_key',
            'in',
            emails.map((email) => `email:${email}`),
          ),
          eb(orderEmail, 'in', emails),
          eb('o.user_id', 'in', eb.selectFrom('users').select('id').where('email', 'in', emails)),
        )
      }
      return eb.or(same)
    })
    .executeTakeFirst()
  return Number(row?.n ?? 0)
}

/** Counts one more use, unless that would pass the code's total limit; true when it counted. */
export async function countUse(db: Db, discountId: number, orderId: number, customerKey: string, now: string) {
  const result = await db
    .updateTable('discount_codes')
    .set((eb) => ({ uses: eb('uses', '+', 1), updated_at: now }))
    .where('id', '=', discountId)
    .where((eb) => eb.or([eb('usage_limit', 'is', null), eb('uses', '<', eb.ref('usage_limit'))]))
    .executeTakeFirst()
  if (Number(result.numUpdatedRows) !== 1) return false
  await db
    .insertInto('discount_uses')
    .values({ discount_id: discountId, order_id: orderId, customer_key: customerKey, created_at: now })
    .execute()
  return true
}

export async function selectDiscounts(db: Db) {
  return db.selectFrom('discount_codes').selectAll().orderBy('id', 'desc').limit(500).execute()
}

export async function selectDiscount(db: Db, id: number) {
  return db.selectFrom('discount_codes').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function updateDiscountCode(db: Db, id: number, changes: Updateable<DiscountCodesTable>): Promise<void> {
  await db.updateTable('discount_codes').set(changes).where('id', '=', id).execute()
}

/** The orders a code was used on, newest first. */
export async function selectDiscountUses(db: Db, discountId: number, limit: number) {
  return db
    .selectFrom('discount_uses as u')
    .innerJoin('orders as o', 'o.id', 'u.order_id')
    .select(['o.number', 'o.email', 'o.discount_total', 'o.currency', 'u.created_at'])
    .where('u.discount_id', '=', discountId)
    .orderBy('u.id', 'desc')
    .limit(limit)
    .execute()
}
