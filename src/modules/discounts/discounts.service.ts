import type { Db } from '../../db/connection.js'
import type { DiscountCodesTable } from '../../db/schema.js'
import { type CategorisedLine, checkDiscount, type Discount } from '../pricing/discounts.js'
import { countCustomerUses, selectDiscountByCode } from './discounts.repository.js'

type DiscountRow = Omit<DiscountCodesTable, 'id' | 'uses'> & { id: number; uses: number }

/** An email address as the checkout stores it, so one person's addresses compare equal. */
function normaliseEmail(email: string | null | undefined): string | null {
  const normalised = email?.trim().toLowerCase()
  return normalised ? normalised : null
}

/** The key a use is recorded under: the account, or the email a guest gave; null when unknown yet. */
export function customerKey(userId: number | null, email: string | null | undefined): string | null {
  if (userId !== null) return `user:${userId}`
  const normalised = normaliseEmail(email)
  return normalised ? `email:${normalised}` : null
}

/** A stored code as the pricing rules take it. */
function toDiscount(row: DiscountRow): Discount {
  const rules = {
    code: row.code,
    scope:
      row.category_id === null
        ? ({ kind: 'order' } as const)
        : ({ kind: 'category', categoryId: row.category_id } as const),
    minimumSubtotal: row.minimum_subtotal,
    startsAt: row.starts_at ? new Date(row.starts_at) : null,
    endsAt: row.ends_at ? new Date(row.ends_at) : null,
    usageLimit: row.usage_limit,
    perCustomerLimit: row.per_customer_limit,
  }
  if (row.kind === 'percentage') return { ...rules, kind: 'percentage', basisPoints: row.value }
  if (row.kind === 'fixed') return { ...rules, kind: 'fixed', amount: row.value }
  return { ...rules, kind: 'free_shipping' }
}

export type DiscountVerdict =
  | { ok: true; discount: Discount; id: number; customerKey: string | null }
  | { ok: false; message: string }

/**
 * Whether the code a shopper typed applies to this cart now, by the pricing
 * rules' checks with the code's use counts from the database. An unknown code
 * gets the same kind of plain answer as an expired one.
 */
export async function evaluateDiscount(
  db: Db,
  code: string,
  context: {
    now: Date
    subtotal: number
    lines: readonly CategorisedLine[]
    userId: number | null
    email: string | null | undefined
    format: (minor: number) => string
  },
): Promise<DiscountVerdict> {
  const row = await selectDiscountByCode(db, code)
  if (!row)
    return { ok: false, message: `There is no discount code ${code.trim().toUpperCase()}. Check how it is spelt` }
  const email = normaliseEmail(context.email)
  const key = customerKey(context.userId, email)
  const check = checkDiscount(
    toDiscount(row),
    {
      now: context.now,
      subtotal: context.subtotal,
      lines: context.lines,
      totalUses: row.uses,
      customerUses:
        key && row.per_customer_limit !== null
          ? await countCustomerUses(db, row.id, { userId: context.userId, emails: email ? [email] : [] })
          : 0,
      customerKnown: key !== null,
    },
    context.format,
  )
  return check.ok
    ? { ok: true, discount: toDiscount(row), id: row.id, customerKey: key }
    : { ok: false, message: check.message }
}
