import { type Db, inTransaction } from '../../db/connection.js'
import { nowIso } from '../../lib/time.js'
import type { Actor } from '../activity/activity.service.js'
import { type Changes, logActivity } from '../activity/activity.service.js'
import type { DiscountFields } from './discount.forms.js'
import { insertDiscountCode, selectDiscount, selectDiscountByCode, updateDiscountCode } from './discounts.repository.js'

export type SaveResult =
  | { kind: 'saved'; id: number }
  | { kind: 'invalid'; errors: Record<string, string> }
  | { kind: 'missing' }

const taken = { kind: 'invalid', errors: { code: 'There is a code with that name already: choose another' } } as const

/** Creates a discount code; its name must be new. */
export async function createDiscount(db: Db, fields: DiscountFields, actor: Actor): Promise<SaveResult> {
  return inTransaction(db, async (trx) => {
    if (await selectDiscountByCode(trx, fields.code)) return taken
    const now = nowIso()
    const row = await insertDiscountCode(trx, { ...fields, created_at: now, updated_at: now })
    await logActivity(trx, {
      actorUserId: actor.id,
      action: 'discount.created',
      subject: { type: 'discount', id: row.id },
      summary: `Created the discount code ${row.code}`,
    })
    return { kind: 'saved', id: row.id } as const
  })
}

/** Changes a discount code; the activity log keeps each changed field before → after. Uses so far are kept. */
export async function updateDiscount(db: Db, id: number, fields: DiscountFields, actor: Actor): Promise<SaveResult> {
  return inTransaction(db, async (trx) => {
    const before = await selectDiscount(trx, id)
    if (!before) return { kind: 'missing' } as const
    const clash = await selectDiscountByCode(trx, fields.code)
    if (clash && clash.id !== id) return taken
    const changes: Changes = {}
    for (const [field, value] of Object.entries(fields)) {
      const old = before[field as keyof typeof before]
      if (old !== value) changes[field] = [old, value]
    }
    if (Object.keys(changes).length === 0) return { kind: 'saved', id } as const
    await updateDiscountCode(trx, id, { ...fields, updated_at: nowIso() })
    await logActivity(trx, {
      actorUserId: actor.id,
      action: 'discount.updated',
      subject: { type: 'discount', id },
      summary: `Changed the discount code ${fields.code}`,
      changes,
    })
    return { kind: 'saved', id } as const
  })
}

/** Ends a code now: it stops applying at once, at checkout and to orders being placed. */
export async function endDiscount(db: Db, id: number, actor: Actor): Promise<SaveResult> {
  return inTransaction(db, async (trx) => {
    const before = await selectDiscount(trx, id)
    if (!before) return { kind: 'missing' } as const
    const now = nowIso()
    await updateDiscountCode(trx, id, { ends_at: now, updated_at: now })
    await logActivity(trx, {
      actorUserId: actor.id,
      action: 'discount.ended',
      subject: { type: 'discount', id },
      summary: `Ended the discount code ${before.code}`,
      changes: { ends_at: [before.ends_at, now] },
    })
    return { kind: 'saved', id } as const
  })
}

/** Where a code stands today, as the back office says it: ended, from a date, until a date, or open. */
export function discountRunState(discount: { starts_at: string | null; ends_at: string | null }, now = nowIso()) {
  if (discount.ends_at && discount.ends_at <= now) return { ended: true, label: 'ended' }
  if (discount.starts_at && discount.starts_at > now)
    return { ended: false, label: `from ${discount.starts_at.slice(0, 10)}` }
  return { ended: false, label: discount.ends_at ? `until ${discount.ends_at.slice(0, 10)}` : 'open' }
}
